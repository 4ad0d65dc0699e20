using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Evidence;

/// <summary>
/// Test accuracy of a served model whose last layer is retrained on a subset of the training samples: ridge regression
/// of the residuals on the head's inputs to convergence (weight decay toward the served head), which is exactly the
/// linearized model the estimator describes for that layer.
/// </summary>
public static class HeadRidgeAccuracy
{
    /// <param name="problem">The head problem of all training samples, with the test samples as its held-out set.</param>
    /// <param name="kept">Indices of the training samples the head is retrained on.</param>
    public static double Of(LinearHeadProblem problem, IReadOnlyList<int> kept, Tensor testLabels, double weightDecay)
    {
        using var scope = NewDisposeScope();
        var index = tensor(kept.Select(i => (long)i).ToArray());
        var design = cat(new[] { problem.Features.index_select(0, index), ones(kept.Count, 1, dtype: float64) }, 1);
        var residual = problem.Targets.index_select(0, index) - problem.InitialPredictions.index_select(0, index);
        var gram = design.t().matmul(design) + weightDecay * eye(design.shape[1], dtype: float64);
        var head = linalg.solve(gram, design.t().matmul(residual));
        var testDesign = cat(new[] { problem.TestFeatures!, ones(problem.TestFeatures!.shape[0], 1, dtype: float64) }, 1);
        var predictions = problem.TestInitialPredictions! + testDesign.matmul(head);
        return predictions.argmax(1).eq(testLabels).to(float64).mean().item<double>();
    }
}
