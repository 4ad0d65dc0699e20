using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference.Kernels;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

public sealed class ClassSharedNtkTests
{
    /// <summary>The obviously right class-shared kernel: the average of the k diagonal output blocks of the naive kernel.</summary>
    private static Tensor AverageDiagonalBlocks(Tensor theta, long n, long k)
    {
        using var blocks = theta.view(n, k, n, k);
        return blocks.diagonal(dim1: 1, dim2: 3).mean(new long[] { -1 });
    }

    [Test]
    public void SharedKernelIsTheAverageOfTheNaiveDiagonalOutputBlocks()
    {
        foreach (var (network, x) in new[]
        {
            (TestNetworks.Mlp(Activation.Gelu), TestNetworks.MlpInputs(6)),
            (TestNetworks.OddConvolutions(), TestNetworks.ImageInputs(5)),
        })
        {
            using var naive = NaiveJacobian.Ntk(network, x, NaiveJacobian.AllParameterNames(network));
            using var expected = AverageDiagonalBlocks(naive, x.shape[0], TestNetworks.Outputs);
            using var shared = ClassSharedKernel.Compute(network, x, new NtkOptions { SamplesPerBlock = 2 });
            KernelAssert.Close(shared.Kernel, expected);
            Assert.That(shared.Kernel.eq(shared.Kernel.t()).all().item<bool>(), Is.True);
            network.Dispose();
            x.Dispose();
        }
    }

    [Test]
    public void ReportedErrorIsTheFrobeniusErrorAgainstTheExactKernelOnTheSubset()
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(6);
        using var shared = ClassSharedKernel.Compute(network, x, errorSamples: 4);
        using var subset = x.narrow(0, 0, 4);
        using var naive = NaiveJacobian.Ntk(network, subset, NaiveJacobian.AllParameterNames(network));
        using var sharedSubset = shared.Kernel.narrow(0, 0, 4).narrow(1, 0, 4);
        using var approximation = kron(sharedSubset, eye(TestNetworks.Outputs, dtype: float64));
        double expected = (linalg.norm(naive - approximation) / linalg.norm(naive)).item<double>();
        Assert.That(shared.ErrorSamples, Is.EqualTo(4));
        Assert.That(shared.RelativeError, Is.EqualTo(expected).Within(1e-12));
        Assert.That(shared.RelativeError, Is.GreaterThan(1e-3), "a hidden layer couples the outputs: the approximation is not exact");
    }

    [Test]
    public void LinearizingOnlyTheLinearHeadMakesTheSharedKernelExact()
    {
        // Theta[(i,c),(j,c')] = delta_cc' (a_i . a_j + 1) for the last Linear layer alone: exactly K (x) I_k.
        using var network = TestNetworks.Mlp(Activation.Relu);
        using var x = TestNetworks.MlpInputs(6);
        using var shared = ClassSharedKernel.Compute(network, x, new NtkOptions { Selection = ParameterSelection.LastLayers(1) });
        Assert.That(shared.RelativeError, Is.LessThan(1e-15));
    }
}
