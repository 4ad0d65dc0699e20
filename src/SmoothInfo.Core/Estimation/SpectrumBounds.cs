using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// An interval [Lower, Upper] that certainly holds every eigenvalue of a symmetric matrix, found without its
/// eigendecomposition (an O(N^3) eigvalsh takes about 2.5 Cholesky factorizations' time): Lanczos resolves the extreme
/// eigenvalues to a few digits in O(N^2) products, and one Cholesky factorization on each side proves the interval,
/// Upper I - M and M - Lower I positive definite. The Ritz values are kept: they are lower and upper bounds of
/// lambda_max and lambda_min themselves.
/// </summary>
public sealed record SpectrumBounds(double Lower, double Upper, RitzValue Smallest, RitzValue Largest, int LanczosSteps)
{
    /// <summary>Extreme eigenvalues of kernels converge in tens of steps; 150 products cost about a fifth of one factorization at N = 4,000.</summary>
    public const int MaxLanczosSteps = 150;

    /// <summary>lambda_max to 1e-3: the interval's width then changes a Chebyshev degree (about its square root) by nothing.</summary>
    private const double LargestResolution = 1e-3;

    /// <summary>
    /// lambda_min to 5% of itself or of the caller's flat scale, whichever is larger: it only bounds a condition number,
    /// which a few percent does not change in kind.
    /// </summary>
    private const double SmallestResolution = 0.05;

    /// <summary>The margin beyond a Ritz value is at least this many N eps ||M||, the scale of the Cholesky test's own backward error.</summary>
    private const double RoundOffMargins = 16;

    /// <summary>A failed Cholesky widens the margin this much, at most <see cref="Attempts"/> times before the 1-norm bound is taken.</summary>
    private const double Widening = 4;

    private const int Attempts = 6;

    /// <param name="flatScale">
    /// Below this size the caller's function of the eigenvalues barely changes, so lambda_min needs resolving only to a
    /// fraction of it (1 / (h t) for the finite-t filter, which is about h t there): a singular kernel's lambda_min = 0 is
    /// otherwise resolved only at great cost, and a margin below zero is what the filter is most sensitive to.
    /// </param>
    /// <param name="shift">The bounds are of matrix + shift I (the weight decay), which is never formed.</param>
    public static SpectrumBounds Certify(Tensor matrix, double shift, double flatScale)
    {
        RitzValue smallest, largest;
        int steps;
        using (var lanczos = new LanczosIteration(matrix, shift, MaxLanczosSteps))
        {
            do
            {
                lanczos.Step();
                (smallest, largest) = lanczos.ExtremeRitzValues();
            }
            while (!lanczos.Exhausted && !Resolved(smallest, largest, flatScale));
            steps = lanczos.Steps;
        }
        double scale = Math.Max(Math.Abs(smallest.Value), Math.Abs(largest.Value));
        // A zero matrix has no scale; epsilon itself then keeps the margin positive.
        double roundOff = RoundOffMargins * matrix.shape[0] * ConditionCheck.MachineEpsilon(matrix.dtype) * (scale > 0 ? scale : 1);
        double upper = CertifiedBeyond(matrix, shift, largest, roundOff, +1);
        double lower = -CertifiedBeyond(matrix, shift, smallest with { Value = -smallest.Value }, roundOff, -1);
        return new SpectrumBounds(lower, upper, smallest, largest, steps);
    }

    private static bool Resolved(RitzValue smallest, RitzValue largest, double flatScale) =>
        largest.Residual <= LargestResolution * Math.Max(Math.Abs(smallest.Value), Math.Abs(largest.Value))
        && smallest.Residual <= SmallestResolution * Math.Max(Math.Abs(smallest.Value), flatScale);

    /// <summary>
    /// The smallest b of value + margin, value + 4 margin, ... with b I - sign M positive definite, i.e. a certain bound on
    /// the largest eigenvalue of sign M (the 1-norm, which bounds every |eigenvalue|, after <see cref="Attempts"/> failures).
    /// The first margin is a quarter of the residual, or the round-off floor: a converged extreme Ritz value is far closer
    /// to the extreme eigenvalue than its residual says (about residual^2 / gap), and a margin that proves too small costs one
    /// more factorization, while a wide interval at the low end costs Chebyshev degrees (3 more at n k = 4,000 for 7%).
    /// </summary>
    private static double CertifiedBeyond(Tensor matrix, double shift, RitzValue extreme, double roundOff, double sign)
    {
        double margin = Math.Max(extreme.Residual / 4, roundOff);
        for (int attempt = 0; attempt < Attempts; attempt++, margin *= Widening)
        {
            double candidate = extreme.Value + margin;
            // b I - sign (M + shift I) = -sign M + (b - sign shift) I.
            if (Conditioning.IsPositiveDefinite(matrix, negated: sign > 0, candidate - sign * shift)) return candidate;
        }
        return Conditioning.SymmetricOneNorm(matrix) + Math.Abs(shift);
    }
}
