using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Estimation;

/// <summary>
/// The 1-norm of a symmetric matrix known only through products with it, by Hager's method as refined by Higham (LAPACK's
/// dlacn2, which dpocon uses for the condition number of a Cholesky-factored matrix). A lower bound, in practice exact or
/// within a factor of 3; at most five iterations (each one product) plus one with Higham's alternating-sign vector.
/// </summary>
public static class OneNormEstimate
{
    private const int MaxIterations = 5;

    public static double Symmetric(Func<Tensor, Tensor> multiply, long size, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var x = full(size, 1.0 / size, dtype: dtype, device: device);
        var y = multiply(x);
        double estimate = y.abs().sum().ToDouble();
        var signs = Signs(y);
        // B symmetric: B^T sign(y) = B sign(y).
        long column = multiply(signs).abs().argmax().ToInt64();
        for (int iteration = 1; iteration < MaxIterations; iteration++)
        {
            x = zeros(size, dtype: dtype, device: device);
            x.narrow(0, column, 1).fill_(1.0);
            y = multiply(x);
            double next = y.abs().sum().ToDouble();
            var nextSigns = Signs(y);
            if (next <= estimate || nextSigns.eq(signs).all().ToBoolean()) { estimate = Math.Max(estimate, next); break; }
            estimate = next;
            signs = nextSigns;
            var z = multiply(signs).abs();
            long nextColumn = z.argmax().ToInt64();
            if (z[nextColumn].ToDouble() <= z[column].ToDouble()) break;
            column = nextColumn;
        }
        // Higham's safeguard against matrices whose structure misleads the iteration.
        var alternating = arange(size, dtype: dtype, device: device);
        var ramp = (1 + alternating / Math.Max(1, size - 1)) * (1 - 2 * (alternating.remainder(2)));
        double safeguard = 2 * multiply(ramp).abs().sum().ToDouble() / (3 * size);
        return Math.Max(estimate, safeguard);
    }

    private static Tensor Signs(Tensor y) => y.ge(0).to(y.dtype).mul_(2).sub_(1);
}
