namespace SmoothInfo.Benchmarks;

/// <summary>One benchmark, chosen by name on the command line.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}
