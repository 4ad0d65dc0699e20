using SmoothInfo.Diagnostics;
using SmoothInfo.Kernels;
using SmoothInfo.Models;
using SmoothInfo.Policy.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Kernels;

public sealed class UnsupportedNetworkTests
{
    private static InputException KernelError(Sequential network, Tensor inputs, ParameterSelection? selection = null)
    {
        network.to(float64);
        return Assert.Throws<InputException>(() =>
            EmpiricalNtk.Train(network, inputs, new NtkOptions { Selection = selection ?? ParameterSelection.All }).Dispose())!;
    }

    [Test]
    public void BatchNormInTheLinearizedPartIsNamedWithWhatIsSupported()
    {
        using var x = TestNetworks.MlpInputs(4);
        var e = KernelError(nn.Sequential(("fc", nn.Linear(5, 6)), ("norm", nn.BatchNorm1d(6)), ("head", nn.Linear(6, 2))), x);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnsupportedLayer));
        Assert.That(e.Message, Does.Contain("'norm'").And.Contain("BatchNorm1d"));
        Assert.That(e.Fix, Does.Contain("Linear").And.Contain("Conv2d").And.Contain("ReLU"));
    }

    [Test]
    public void LayerNormAndDropoutAreRejectedToo()
    {
        using var x = TestNetworks.MlpInputs(4);
        Assert.That(KernelError(nn.Sequential(("0", nn.Linear(5, 6)), ("1", nn.LayerNorm(6)), ("2", nn.Linear(6, 2))), x).Message,
            Does.Contain("LayerNorm"));
        Assert.That(KernelError(nn.Sequential(("0", nn.Linear(5, 6)), ("1", nn.Dropout(0.1)), ("2", nn.Linear(6, 2))), x).Message,
            Does.Contain("Dropout"));
    }

    [Test]
    public void GroupedConvolutionIsAnUnsupportedConfiguration()
    {
        using var x = TestNetworks.ImageInputs(3);
        var e = KernelError(nn.Sequential(("conv", nn.Conv2d(2, 4, 3, groups: 2)), ("flat", nn.Flatten()), ("head", nn.Linear(144, 2))), x);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnsupportedLayerConfiguration));
        Assert.That(e.Message, Does.Contain("'conv'").And.Contain("groups = 2"));
    }

    [Test]
    public void ANetworkWithoutLinearOrConvolutionHasNothingToLinearize()
    {
        using var x = TestNetworks.MlpInputs(4);
        Assert.That(KernelError(nn.Sequential(("0", nn.ReLU())), x).Code, Is.EqualTo(ErrorCodes.UnsupportedLayer));
    }

    [Test]
    public void OutputsThatAreNotOneRowPerSampleAreRejected()
    {
        using var x = TestNetworks.ImageInputs(3);
        var e = KernelError(nn.Sequential(("conv", nn.Conv2d(2, 4, 3))), x);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.NetworkOutputShape));
    }

    [Test]
    public void LinearOnImagesAsksForAFlatten()
    {
        using var x = TestNetworks.ImageInputs(3);
        var e = KernelError(nn.Sequential(("conv", nn.Conv2d(2, 4, 3)), ("head", nn.Linear(6, 2))), x);
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.UnsupportedLayerConfiguration));
        Assert.That(e.Fix, Does.Contain("flatten"));
    }

    [Test]
    public void InputsOfTheWrongShapeNameTheLayer()
    {
        using var network = ProbeNetworks.Build(new MlpSpec(7, new[] { 4 }, 2, Activation.Relu), seed: 1);
        using var x = TestNetworks.MlpInputs(3);
        var e = Assert.Throws<InputException>(() => EmpiricalNtk.Train(network, x).Dispose())!;
        Assert.That(e.Code, Is.EqualTo(ErrorCodes.ShapeMismatch));
        Assert.That(e.Message, Does.Contain("'0'").And.Contain("samples of shape (5)"));
    }
}
