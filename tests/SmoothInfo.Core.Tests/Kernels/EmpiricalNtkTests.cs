using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reference.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

/// <summary>The batched layer-wise NTK against the naive per-(sample, output) Jacobian, in float64, to 1e-10 relative.</summary>
public sealed class EmpiricalNtkTests
{
    /// <summary>The policy's activations and the two only in-code networks use.</summary>
    private static readonly NetworkActivation[] Activations =
        Enum.GetValues<Activation>().Select(NetworkActivation.Of).Append(NetworkActivation.Sigmoid).Append(NetworkActivation.Identity).ToArray();

    [TestCaseSource(nameof(Activations))]
    public void MlpKernelEqualsNaiveJacobianProduct(NetworkActivation activation)
    {
        using var network = TestNetworks.Mlp(activation);
        using var x = TestNetworks.MlpInputs(6);
        using var fast = EmpiricalNtk.Train(network, x);
        using var naive = NaiveJacobian.Ntk(network, x, NaiveJacobian.AllParameterNames(network));
        Assert.That(fast.shape, Is.EqualTo(new long[] { 6 * TestNetworks.Outputs, 6 * TestNetworks.Outputs }));
        KernelAssert.Close(fast, naive);
    }

    [TestCase(Pooling.Max)]
    [TestCase(Pooling.Average)]
    public void CnnKernelEqualsNaiveJacobianProduct(Pooling pooling)
    {
        using var network = TestNetworks.Cnn(pooling);
        using var x = TestNetworks.ImageInputs(5);
        using var fast = EmpiricalNtk.Train(network, x);
        using var naive = NaiveJacobian.Ntk(network, x, NaiveJacobian.AllParameterNames(network));
        KernelAssert.Close(fast, naive);
    }

    [Test]
    public void StridedDilatedUnpaddedConvolutionsAndEveryPerSampleModuleMatchNaive()
    {
        using var network = TestNetworks.OddConvolutions();
        using var x = TestNetworks.ImageInputs(5);
        using var fast = EmpiricalNtk.Train(network, x);
        using var naive = NaiveJacobian.Ntk(network, x, NaiveJacobian.AllParameterNames(network));
        KernelAssert.Close(fast, naive);
    }

    [TestCase(1, new[] { "4.weight", "4.bias" })]
    [TestCase(2, new[] { "2.weight", "2.bias", "4.weight", "4.bias" })]
    public void LastLayersOfMlpMatchNaiveOverThoseParameters(int layers, string[] expectedNames)
    {
        using var network = TestNetworks.Mlp(Activation.Gelu);
        using var x = TestNetworks.MlpInputs(6);
        using var fast = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.LastLayers(layers) });
        using var naive = NaiveJacobian.Ntk(network, x, expectedNames.ToHashSet());
        KernelAssert.Close(fast, naive);
    }

    [Test]
    public void LastTwoLayersOfCnnStartAtTheSecondConvolution()
    {
        using var network = TestNetworks.Cnn(Pooling.Max);
        using var x = TestNetworks.ImageInputs(5);
        using var fast = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.LastLayers(2) });
        using var naive = NaiveJacobian.Ntk(network, x, new HashSet<string> { "3.weight", "3.bias", "7.weight", "7.bias" });
        KernelAssert.Close(fast, naive);
    }

    [TestCase(new[] { "2.bias" }, new[] { "2.bias" })]
    [TestCase(new[] { "0.weight", "4" }, new[] { "0.weight", "4.weight", "4.bias" })]
    public void NamedGroupsMatchNaiveOverExactlyThoseParameters(string[] groups, string[] expectedNames)
    {
        using var network = TestNetworks.Mlp(Activation.Tanh);
        using var x = TestNetworks.MlpInputs(6);
        using var fast = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.Named(groups) });
        using var naive = NaiveJacobian.Ntk(network, x, expectedNames.ToHashSet());
        KernelAssert.Close(fast, naive);
    }

    [Test]
    public void NamedConvolutionBiasOnlyMatchesNaive()
    {
        using var network = TestNetworks.OddConvolutions();
        using var x = TestNetworks.ImageInputs(4);
        using var fast = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.Named("body.conv.bias", "fc") });
        using var naive = NaiveJacobian.Ntk(network, x, new HashSet<string> { "body.conv.bias", "fc.weight" });
        KernelAssert.Close(fast, naive);
    }

    [Test]
    public void CrossKernelEqualsNaiveForMlpAndCnn()
    {
        using (var mlp = TestNetworks.Mlp(Activation.Relu))
        using (var xTest = TestNetworks.MlpInputs(4, seed: 99))
        using (var x = TestNetworks.MlpInputs(6))
        using (var fast = EmpiricalNtk.Cross(mlp, xTest, x))
        using (var naive = NaiveJacobian.CrossNtk(mlp, xTest, x, NaiveJacobian.AllParameterNames(mlp)))
        {
            Assert.That(fast.shape, Is.EqualTo(new long[] { 4 * TestNetworks.Outputs, 6 * TestNetworks.Outputs }));
            KernelAssert.Close(fast, naive);
        }
        using (var cnn = TestNetworks.Cnn(Pooling.Average))
        using (var xTest = TestNetworks.ImageInputs(3, seed: 99))
        using (var x = TestNetworks.ImageInputs(5))
        using (var fast = EmpiricalNtk.Cross(cnn, xTest, x))
        using (var naive = NaiveJacobian.CrossNtk(cnn, xTest, x, NaiveJacobian.AllParameterNames(cnn)))
        {
            KernelAssert.Close(fast, naive);
        }
    }

    [Test]
    public void TrainKernelIsExactlySymmetricAndLeavesInputsUsable()
    {
        using var network = TestNetworks.Cnn(Pooling.Max);
        using var x = TestNetworks.ImageInputs(7);
        using var kernel = EmpiricalNtk.Train(network, x, new NtkOptions { SamplesPerBlock = 3 });
        Assert.That(kernel.eq(kernel.t()).all().item<bool>(), Is.True);
        Assert.That(x.shape, Is.EqualTo(new long[] { 7, 2, 8, 8 }), "the caller's inputs must not be disposed");
    }

    [Test]
    public void FrozenBodyWithUnsupportedLayersIsAllowedBeforeTheLinearizedHead()
    {
        var network = nn.Sequential(
            ("0", nn.Linear(5, 6)), ("1", nn.BatchNorm1d(6)), ("2", nn.Dropout(0.5)), ("3", nn.ReLU()), ("4", nn.Linear(6, TestNetworks.Outputs)));
        StandardParameterization.Initialize(network, 3);
        network.to(float64);
        network.eval();
        using var x = TestNetworks.MlpInputs(6);
        using var fast = EmpiricalNtk.Train(network, x, new NtkOptions { Selection = ParameterSelection.LastLayers(1) });
        using var naive = NaiveJacobian.Ntk(network, x, new HashSet<string> { "4.weight", "4.bias" });
        KernelAssert.Close(fast, naive);
    }
}
