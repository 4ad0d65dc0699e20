using System.Globalization;
using SmoothInfo.Models;
using TorchSharp.Modules;

namespace SmoothInfo.Kernels;

public enum FormulationKind
{
    /// <summary>The (n k x n k) kernel and the estimator on it: cost O((n k)^3), memory O((n k)^2).</summary>
    FunctionSpace,

    /// <summary>Woodbury on the final Linear layer's q x q system: cost O(n q^2 + q^3), linear in n.</summary>
    WeightSpaceLinearHead,

    /// <summary>Woodbury on the d x d system lambda I + J^T J from explicit Jacobian rows: cost O(n k d^2 + d^3), linear in n.</summary>
    WeightSpace,
}

/// <summary>Which exact formulation runs, and why, in words the output can show.</summary>
public sealed record Formulation(FormulationKind Kind, string Reason, long Samples, long Outputs, long LinearizedParameters)
{
    /// <summary>
    /// Chooses the cheaper exact formulation by operation count. Weight space needs its dimension below n k; for a
    /// linearized final Linear layer the Jacobian's Kronecker structure shrinks the system to q = in + 1, chosen only
    /// with more samples than head inputs (q &lt; n), where it is also accurate. With a projection the Jacobian has p
    /// columns in both formulations, so p takes d's place and the (unprojected) head route is not taken.
    /// </summary>
    public static Formulation Choose(Sequential network, ParameterSelection selection, long samples, long outputs, JacobianProjection? projection = null)
    {
        var linearized = LinearizedNetwork.Create(network, selection);
        long full = linearized.LinearizedParameterCount, d = projection?.Dimension ?? full, nk = samples * outputs;
        string size = projection is null
            ? string.Create(CultureInfo.InvariantCulture, $"n k = {nk}, d = {d}")
            : string.Create(CultureInfo.InvariantCulture, $"n k = {nk}, d = {full} projected to {d}");
        if (projection is null && LinearHead.Applies(network, selection))
        {
            long q = d / outputs;
            // With fewer samples than head features every leverage h_i = phi_i^T C^-1 phi_i is close to 1, and 1 - h_i
            // loses digits to cancellation (measured 5e-6 relative at n = 300, q = 513): weight space only when q < n.
            if (q >= samples)
                return new(FormulationKind.FunctionSpace,
                    $"function space: the head has {q} inputs and only {samples} samples, where the weight-space leverages lose precision ({size})",
                    samples, outputs, d);
            // Function space costs (n k)^3 / 3 for its factorization; the head costs n q^2 + q^3 / 3.
            double functionCost = Math.Pow(nk, 3) / 3, headCost = samples * (double)q * q + Math.Pow(q, 3) / 3;
            if (headCost < functionCost)
                return new(FormulationKind.WeightSpaceLinearHead,
                    $"weight space: only the final Linear layer is linearized ({size}), so a {q} x {q} system replaces the {nk} x {nk} kernel",
                    samples, outputs, d);
            return new(FormulationKind.FunctionSpace,
                $"function space: the {nk} x {nk} kernel is cheaper than the head's {q} x {q} system ({size})", samples, outputs, d);
        }
        if (d >= nk)
            return new(FormulationKind.FunctionSpace, $"function space: the Jacobian is wide ({size}, d >= n k)", samples, outputs, d);
        // Function space costs (n k)^3 / 3; weight space n k d^2 for Z = J M^-1 plus d^3 / 3.
        if (nk * (double)d * d + Math.Pow(d, 3) / 3 < Math.Pow(nk, 3) / 3)
            return new(FormulationKind.WeightSpace,
                $"weight space: the Jacobian is thin ({size}), so the {d} x {d} system lambda I + J^T J replaces the {nk} x {nk} kernel",
                samples, outputs, d);
        return new(FormulationKind.FunctionSpace,
            $"function space: d < n k ({size}) but the {nk} x {nk} kernel is still cheaper than n k d^2 for weight space", samples, outputs, d);
    }
}
