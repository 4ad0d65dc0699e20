using SmoothInfo.Benchmarks;

SmoothInfo.Runtime.NativeMemory.ReturnLargeBuffersToTheSystem();

// Usage: dotnet run --project tests/SmoothInfo.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark prints a Markdown table row set that goes into docs/benchmarks.md.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: SmoothInfo.Benchmarks <benchmark> [options]\n\nbenchmarks:");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-24} {b.Description}");
    return 2;
}
return chosen.Run(args[1..]);
