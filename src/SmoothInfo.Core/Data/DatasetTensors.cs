using static TorchSharp.torch;

namespace SmoothInfo.Data;

/// <summary>The one place a dataset becomes tensors (the readers stay torch-free).</summary>
public static class DatasetTensors
{
    /// <summary>Features as [count, ...sample shape] in the given dtype, on the CPU.</summary>
    public static Tensor Features(Dataset dataset, ScalarType dtype = ScalarType.Float32)
    {
        long[] shape = new long[] { dataset.Count }.Concat(dataset.SampleShape.Select(d => (long)d)).ToArray();
        using var single = tensor(dataset.Features.ToArray(), shape);
        return single.to_type(dtype);
    }

    /// <summary>Class indices as int64 [count].</summary>
    public static Tensor Labels(Dataset dataset) => tensor(dataset.Labels.ToArray().Select(l => (long)l).ToArray());
}
