using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>An extreme Ritz value and its residual norm ||A y - theta y||, which some eigenvalue of A lies within.</summary>
public readonly record struct RitzValue(double Value, double Residual);

/// <summary>
/// Lanczos with full reorthogonalization on a symmetric matrix, from a fixed pseudo-random start (results stay
/// reproducible). Each step costs one product with the matrix. Ritz values are Rayleigh quotients: the largest never
/// exceeds lambda_max and the smallest is never below lambda_min (up to round-off), and the extreme ones converge first.
/// </summary>
public sealed class LanczosIteration : IDisposable
{
    private const long StartSeed = 20210115;

    private readonly Tensor _matrix;
    private readonly double _shift;
    private readonly Tensor _basis;
    private readonly double[] _alpha;
    private readonly double[] _beta;
    private Tensor? _next;

    /// <summary>Runs on <paramref name="matrix"/> + <paramref name="shift"/> I, at most <paramref name="maxSteps"/> steps.</summary>
    public LanczosIteration(Tensor matrix, double shift, int maxSteps)
    {
        _matrix = matrix;
        _shift = shift;
        long size = matrix.shape[0];
        int steps = (int)Math.Min(maxSteps, size);
        _basis = zeros(steps, size, dtype: matrix.dtype, device: matrix.device);
        _alpha = new double[steps];
        _beta = new double[steps];
        using var start = randn(new long[] { size }, dtype: ScalarType.Float64, generator: new Generator().manual_seed(StartSeed));
        _next = (start / linalg.vector_norm(start)).to(matrix.dtype, matrix.device);
    }

    public int Steps { get; private set; }

    /// <summary>No further step is possible: the basis spans an invariant subspace (its Ritz values are eigenvalues) or the step limit is reached.</summary>
    public bool Exhausted => _next is null;

    /// <summary>Extends the basis by one vector; returns false (and does nothing) once exhausted.</summary>
    public bool Step()
    {
        if (_next is null) return false;
        using var scope = NewDisposeScope();
        int j = Steps;
        var q = _basis[j];
        q.copy_(_next);
        _next.Dispose();
        _next = null;
        var w = _matrix.mv(q).add_(q, _shift);
        _alpha[j] = w.dot(q).ToDouble();
        // Orthogonalizing twice keeps the basis orthonormal to round-off ("twice is enough").
        var previous = _basis.narrow(0, 0, j + 1);
        for (int pass = 0; pass < 2; pass++) w.sub_(previous.T.mv(previous.mv(w)));
        _beta[j] = linalg.vector_norm(w).ToDouble();
        Steps = j + 1;
        bool invariant = _beta[j] <= 1e-12 * Math.Max(Math.Abs(_alpha[j]), TridiagonalScale());
        if (!invariant && Steps < _alpha.Length) _next = w.div_(_beta[j]).MoveToOuterDisposeScope();
        return true;
    }

    /// <summary>The largest and the smallest Ritz value of the steps so far, with their residual norms.</summary>
    public (RitzValue Smallest, RitzValue Largest) ExtremeRitzValues()
    {
        using var scope = NewDisposeScope();
        int m = Steps;
        var entries = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            entries[i * m + i] = _alpha[i];
            if (i + 1 < m) entries[i * m + i + 1] = entries[(i + 1) * m + i] = _beta[i];
        }
        var (values, vectors) = linalg.eigh(tensor(entries).view(m, m));
        // The residual of Ritz pair i is beta_m |s_{m,i}| (round-off small once the basis spans an invariant subspace).
        RitzValue At(long i) => new(values[i].ToDouble(), Math.Abs(_beta[m - 1] * vectors[m - 1, i].ToDouble()));
        return (At(0), At(m - 1));
    }

    private double TridiagonalScale() => Steps == 0 ? 0 : _alpha.Take(Steps).Max(Math.Abs);

    public void Dispose()
    {
        _basis.Dispose();
        _next?.Dispose();
    }
}
