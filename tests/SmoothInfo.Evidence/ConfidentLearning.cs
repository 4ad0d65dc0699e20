using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Confident learning (Northcutt, Jiang and Chuang 2021, "Confident Learning: Estimating Uncertainty in Dataset
/// Labels", the algorithm behind cleanlab), written from the paper: out-of-sample probabilities by K-fold
/// cross-validation, per-class thresholds t_j = mean p_j(x) over samples labelled j, the confident joint, its
/// calibration to the joint Q(noisy label, true label), and two of the paper's flagged sets: C_{noisy,true} (the
/// confident joint's off-diagonal) and prune-by-noise-rate (PBNR).
/// </summary>
public static class ConfidentLearning
{
    public sealed record Result(double[] SelfConfidenceScore, bool[] OffDiagonal, bool[] PruneByNoiseRate, double[] Thresholds, long[,] ConfidentJoint);

    /// <summary>Stratified folds, as cleanlab's default (sklearn StratifiedKFold): each class dealt round-robin after a seeded shuffle.</summary>
    public static int[] Folds(IReadOnlyList<int> labels, int k, int seed)
    {
        var order = Enumerable.Range(0, labels.Count).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[labels.Count];
        var dealt = new int[labels.Max() + 1];
        foreach (int i in order) fold[i] = dealt[labels[i]]++ % k;
        return fold;
    }

    /// <summary>
    /// Out-of-sample probabilities p(label = j | x): for each fold, a softmax head is fitted on the other folds and predicts
    /// this one. Logits = offset + [phi, 1] W, loss = summed cross-entropy + lambda/2 ||W||^2 (the leave-one-out's ridge,
    /// with cross-entropy for squared error). offset = the served logits with W starting at 0 fine-tunes the served head
    /// (the model the leave-one-out linearizes); offset = null fits a fresh head, as cleanlab's usual logistic regression.
    /// standardize: each fold's features to mean 0, sd 1 with the statistics of its training folds (sklearn's StandardScaler
    /// in a pipeline; a constant feature keeps sd 1), the recipe on raw tabular inputs.
    /// </summary>
    public static double[,] OutOfSampleProbabilities(Tensor features, Tensor? offset, IReadOnlyList<int> labels, int classes,
        double lambda, int[] folds, out int maxIterations, bool standardize = false)
    {
        int n = labels.Count, k = folds.Max() + 1;
        var probabilities = new double[n, classes];
        maxIterations = 0;
        using var scope = NewDisposeScope();
        var onehot = nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), classes).to(features.dtype);
        for (int f = 0; f < k; f++)
        {
            var trainRows = tensor(Enumerable.Range(0, n).Where(i => folds[i] != f).Select(i => (long)i).ToArray());
            var x = features;
            if (standardize)
            {
                var training = features.index_select(0, trainRows);
                var sd = training.std(0, unbiased: false, keepdim: true);
                x = (features - training.mean(new long[] { 0 }, keepdim: true)) / where(sd > 0, sd, ones_like(sd));
            }
            var design = cat(new[] { x, ones(features.shape[0], 1, dtype: features.dtype) }, 1);
            var heldRows = Enumerable.Range(0, n).Where(i => folds[i] == f).ToArray();
            var weights = SoftmaxHead(design.index_select(0, trainRows), offset?.index_select(0, trainRows), onehot.index_select(0, trainRows), lambda, out int iterations);
            maxIterations = Math.Max(maxIterations, iterations);
            var held = tensor(heldRows.Select(i => (long)i).ToArray());
            var logits = design.index_select(0, held).matmul(weights);
            if (offset is not null) logits += offset.index_select(0, held);
            var p = nn.functional.softmax(logits, 1).contiguous().data<double>().ToArray();
            for (int r = 0; r < heldRows.Length; r++)
                for (int j = 0; j < classes; j++) probabilities[heldRows[r], j] = p[r * classes + j];
        }
        return probabilities;
    }

    /// <summary>Thresholds, confident joint and flagged sets from out-of-sample probabilities (paper, section 3).</summary>
    public static Result Analyze(double[,] p, IReadOnlyList<int> labels)
    {
        int n = labels.Count, m = p.GetLength(1);
        var count = new long[m];
        var thresholds = new double[m];
        for (int i = 0; i < n; i++) { count[labels[i]]++; thresholds[labels[i]] += p[i, labels[i]]; }
        for (int j = 0; j < m; j++) thresholds[j] /= Math.Max(1, count[j]);

        // Confident joint: x labelled i counts toward true class j* = argmax of p_j(x) over the j with p_j(x) >= t_j.
        var joint = new long[m, m];
        var guess = new int[n];
        for (int i = 0; i < n; i++)
        {
            guess[i] = -1;
            for (int j = 0; j < m; j++)
                if (p[i, j] >= thresholds[j] && (guess[i] < 0 || p[i, j] > p[i, guess[i]])) guess[i] = j;
            if (guess[i] >= 0) joint[labels[i], guess[i]]++;
        }
        var offDiagonal = Enumerable.Range(0, n).Select(i => guess[i] >= 0 && guess[i] != labels[i]).ToArray();

        // Calibrate each row to the class's size, then normalize to the joint Q; PBNR removes, for every i != j,
        // the round(n Q[i][j]) samples labelled i with the largest margin p_j(x) - p_i(x).
        var q = new double[m, m];
        double total = 0;
        for (int i = 0; i < m; i++)
        {
            long row = Enumerable.Range(0, m).Sum(j => joint[i, j]);
            for (int j = 0; j < m; j++) total += q[i, j] = row == 0 ? 0 : (double)joint[i, j] / row * count[i];
        }
        var pruned = new bool[n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                if (i == j) continue;
                int remove = (int)Math.Round(n * q[i, j] / total);
                foreach (int s in Enumerable.Range(0, n).Where(s => labels[s] == i).OrderByDescending(s => p[s, j] - p[s, i]).ThenBy(s => s).Take(remove))
                    pruned[s] = true;
            }

        var selfConfidence = Enumerable.Range(0, n).Select(i => 1 - p[i, labels[i]]).ToArray();
        return new Result(selfConfidence, offDiagonal, pruned, thresholds, joint);
    }

    /// <summary>
    /// Full-batch L-BFGS (Armijo backtracking, deterministic) on the strictly convex regularized cross-entropy, to
    /// ||gradient|| below 1e-8 of its starting value; gradient in closed form, Phi^T (softmax - Y) + lambda W.
    /// </summary>
    private static Tensor SoftmaxHead(Tensor design, Tensor? offset, Tensor onehot, double lambda, out int iterations)
    {
        long q = design.shape[1], m = onehot.shape[1];
        (double Loss, double[] Gradient) Evaluate(double[] w)
        {
            using var scope = NewDisposeScope();
            var weights = tensor(w).reshape(q, m);
            var logits = design.matmul(weights);
            if (offset is not null) logits += offset;
            var logp = nn.functional.log_softmax(logits, 1);
            double loss = -(onehot * logp).sum().item<double>() + lambda / 2 * weights.square().sum().item<double>();
            var gradient = design.t().matmul(logp.exp() - onehot) + lambda * weights;
            return (loss, gradient.contiguous().data<double>().ToArray());
        }

        var x = new double[q * m];
        var (f, g) = Evaluate(x);
        double g0 = Norm(g);
        var history = new List<(double[] S, double[] Y, double Rho)>();
        for (iterations = 0; iterations < 5000 && Norm(g) > 1e-8 * g0; iterations++)
        {
            // Two-loop recursion for d = -H g.
            var d = g.Select(v => -v).ToArray();
            var alpha = new double[history.Count];
            for (int h = history.Count - 1; h >= 0; h--) { alpha[h] = history[h].Rho * Dot(history[h].S, d); Axpy(-alpha[h], history[h].Y, d); }
            double gamma = history.Count == 0 ? 1 / g0 : Dot(history[^1].S, history[^1].Y) / Dot(history[^1].Y, history[^1].Y);
            for (int i = 0; i < d.Length; i++) d[i] *= gamma;
            for (int h = 0; h < history.Count; h++) Axpy(alpha[h] - history[h].Rho * Dot(history[h].Y, d), history[h].S, d);
            double slope = Dot(g, d);
            if (slope >= 0) { d = g.Select(v => -v / g0).ToArray(); slope = Dot(g, d); history.Clear(); }

            double t = 1;
            double[] next;
            (double Loss, double[] Gradient) trial;
            while (true)
            {
                next = x.Zip(d, (a, b) => a + t * b).ToArray();
                trial = Evaluate(next);
                if (trial.Loss <= f + 1e-4 * t * slope || t < 1e-20) break;
                t /= 2;
            }
            var s = next.Zip(x, (a, b) => a - b).ToArray();
            var y = trial.Gradient.Zip(g, (a, b) => a - b).ToArray();
            double sy = Dot(s, y);
            if (sy > 1e-12 * Dot(y, y)) { history.Add((s, y, 1 / sy)); if (history.Count > 20) history.RemoveAt(0); }
            (x, f, g) = (next, trial.Loss, trial.Gradient);
            if (t < 1e-20) break;
        }
        return tensor(x).reshape(q, m);
    }

    private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
    private static void Axpy(double a, double[] x, double[] y) { for (int i = 0; i < y.Length; i++) y[i] += a * x[i]; }
}
