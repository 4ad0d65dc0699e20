using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Reference.Kernels;

/// <summary>
/// The obviously right Jacobian: one forward pass per sample and one autograd backward pass per (sample, output),
/// rows stacked sample-major. The slow twin of <c>EmpiricalNtk</c>.
/// </summary>
public static class NaiveJacobian
{
    /// <summary>J, (n*k, d): row i*k + c is d f_c(x_i) / d theta over the named parameters, in the network's order.</summary>
    public static Tensor Compute(Sequential network, Tensor inputs, IReadOnlySet<string> parameterNames)
    {
        var parameters = network.named_parameters().Where(p => parameterNames.Contains(p.name)).Select(p => (Tensor)p.parameter).ToList();
        if (parameters.Count != parameterNames.Count)
            throw new ArgumentException("some parameter names are not in the network", nameof(parameterNames));
        var rows = new List<Tensor>();
        for (long i = 0; i < inputs.shape[0]; i++)
        {
            using var scope = NewDisposeScope();
            var output = network.call(inputs.narrow(0, i, 1));
            long k = output.shape[1];
            for (long c = 0; c < k; c++)
            {
                var grads = autograd.grad(new[] { output[0, c] }, parameters, retain_graph: c < k - 1);
                rows.Add(cat(grads.Select(g => g.flatten()).ToList(), 0).MoveToOuterDisposeScope());
            }
        }
        var jacobian = stack(rows, 0);
        foreach (var row in rows) row.Dispose();
        return jacobian;
    }

    public static Tensor Ntk(Sequential network, Tensor inputs, IReadOnlySet<string> parameterNames)
    {
        using var j = Compute(network, inputs, parameterNames);
        return j.matmul(j.t());
    }

    public static Tensor CrossNtk(Sequential network, Tensor heldOut, Tensor train, IReadOnlySet<string> parameterNames)
    {
        using var jTest = Compute(network, heldOut, parameterNames);
        using var jTrain = Compute(network, train, parameterNames);
        return jTest.matmul(jTrain.t());
    }

    /// <summary>The names of all parameters, for the "linearize everything" case.</summary>
    public static IReadOnlySet<string> AllParameterNames(Sequential network) =>
        network.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
}
