using SmoothInfo.Estimation;
using static TorchSharp.torch;

namespace SmoothInfo.Tests.Estimation;

internal static class Expect
{
    /// <summary>
    /// Every entry within <paramref name="relative"/> of the largest entry of the expected tensor; the absolute
    /// floor (far below any quantity these tests produce, which are of order 1e-4..10) only covers values that
    /// are exactly zero in theory and round-off sized in the reference.
    /// </summary>
    public static void Close(Tensor actual, Tensor expected, string what, double relative = 1e-9, double absoluteFloor = 1e-18)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape), $"{what}: shape");
        double scale = expected.abs().max().item<double>();
        double error = (actual - expected).abs().max().item<double>();
        Assert.That(error, Is.LessThanOrEqualTo(Math.Max(relative * scale, absoluteFloor)),
            $"{what}: max abs error {error:G3} against scale {scale:G3}");
    }

    /// <summary>Every per-sample quantity of two results, to 1e-9 relative; isolation where both measure it.</summary>
    public static void SameLeaveOneOut(LeaveOneOutResult actual, LeaveOneOutResult expected)
    {
        Close(actual.WeightChange, expected.WeightChange, "||w - w_-i||^2");
        Close(actual.TrainPredictionChange, expected.TrainPredictionChange, "train prediction change");
        Assert.That(actual.TestPredictionChange is null, Is.EqualTo(expected.TestPredictionChange is null), "held-out change present");
        if (expected.TestPredictionChange is not null) Close(actual.TestPredictionChange!, expected.TestPredictionChange, "test prediction change");
        Close(actual.LeaveOneOutPrediction, expected.LeaveOneOutPrediction, "f_-i(x_i)");
        if (actual.Isolation is not null && expected.Isolation is not null) Close(actual.Isolation, expected.Isolation, "isolation");
    }
}
