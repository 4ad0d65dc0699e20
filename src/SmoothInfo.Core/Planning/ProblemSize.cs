namespace SmoothInfo.Planning;

/// <summary>
/// The sizes a route's cost depends on, known before any large allocation: n samples, k outputs, D input features per
/// sample, m held-out samples, the element size of the dtype, and for networks d linearized parameters, the projection's
/// dimension and the final Linear layer's q inputs (with its bias) when only that layer is linearized.
/// </summary>
public sealed record ProblemSize(long Samples, long Outputs, long InputFeatures, long HeldOut, int ElementBytes)
{
    public long LinearizedParameters { get; init; }

    /// <summary>Columns of the projected Jacobian; null: the exact Jacobian.</summary>
    public long? ProjectedDimension { get; init; }

    /// <summary>q when only the final Linear layer is linearized (and not projected); null otherwise.</summary>
    public long? HeadFeatures { get; init; }

    /// <summary>
    /// Bytes of one sample's NTK features (its layers' inputs and output gradients), measured on one sample as the kernel's
    /// blocks measure them; 0: unknown, bounded by the Jacobian row's k d values.
    /// </summary>
    public long NtkFeatureBytesPerSample { get; init; }

    /// <summary>The Jacobian's columns as the routes see them: the projection's dimension, else d.</summary>
    public long JacobianColumns => ProjectedDimension ?? LinearizedParameters;

    public ProblemSize WithSamples(long samples) => this with { Samples = samples };
}
