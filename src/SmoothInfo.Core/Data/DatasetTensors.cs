using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SmoothInfo.Data;

/// <summary>The one place a dataset becomes tensors (the readers stay torch-free).</summary>
public static class DatasetTensors
{
    /// <summary>Rows copied per block, so no span over tensor memory exceeds 2 GB.</summary>
    private const long BlockRows = 1 << 16;

    /// <summary>Features as [count, ...sample shape] in the given dtype, on the CPU.</summary>
    public static Tensor Features(Dataset dataset, ScalarType dtype = ScalarType.Float32)
    {
        long[] shape = new long[] { dataset.Count }.Concat(dataset.SampleShape.Select(d => (long)d)).ToArray();
        using var rows = Rows(dataset, 0, dataset.Count, ScalarType.Float32);
        return rows.reshape(shape).to_type(dtype);
    }

    /// <summary>Samples [first, first + count) as flat rows [count, FeatureCount] in the given dtype, on the CPU.</summary>
    public static Tensor Rows(Dataset dataset, long first, long count, ScalarType dtype)
    {
        var single = empty(new[] { count, (long)dataset.FeatureCount }, ScalarType.Float32);
        for (long done = 0; done < count; done += BlockRows)
        {
            long rows = Math.Min(BlockRows, count - done);
            using var block = single.narrow(0, done, rows);
            dataset.CopyFeatures(first + done, (int)rows, MemoryMarshal.Cast<byte, float>(block.bytes));
        }
        if (dtype == ScalarType.Float32) return single;
        using (single) return single.to_type(dtype);
    }

    /// <summary>Class indices as int64 [count].</summary>
    public static Tensor Labels(Dataset dataset) => tensor(dataset.Labels.ToArray().Select(l => (long)l).ToArray());
}
