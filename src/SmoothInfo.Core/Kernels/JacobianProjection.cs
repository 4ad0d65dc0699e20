namespace SmoothInfo.Kernels;

public enum ProjectionKind
{
    /// <summary>p of the d coordinates, uniformly without replacement, scaled by sqrt(d / p).</summary>
    CoordinateSubset,

    /// <summary>
    /// R (d x p) with i.i.d. entries sqrt(s / p) * {+1 with probability 1/(2s), 0 with 1 - 1/s, -1 with 1/(2s)}:
    /// Achlioptas' projection for s = 3, a dense Rademacher one for s = 1, Li, Hastie and Church's very sparse
    /// random projection for s = sqrt(d).
    /// </summary>
    SparseSign,
}

/// <summary>
/// A random projection of the Jacobian, J_p = J R with E[R R^T] = I, so that E[J_p J_p^T] = J J^T: the kernel of a very
/// wide network from p columns instead of d. Deterministic given the seed.
/// </summary>
/// <param name="Sparsity">s of <see cref="ProjectionKind.SparseSign"/> (at least 1); null: sqrt(d).</param>
public sealed record JacobianProjection(ProjectionKind Kind, long Dimension, long Seed, double? Sparsity = null);
