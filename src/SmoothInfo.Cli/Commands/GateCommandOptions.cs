using System.CommandLine;
using SmoothInfo.Cli.Output;
using SmoothInfo.Estimation;
using SmoothInfo.Gate;
using SmoothInfo.Kernels;
using SmoothInfo.Policy.Loading;
using SmoothInfo.Policy.Model;
using SmoothInfo.Reports;

namespace SmoothInfo.Cli.Commands;

/// <summary>The options `check` and `baseline` share, and the gate run both start with.</summary>
internal sealed class GateCommandOptions
{
    public Option<FileInfo> Policy { get; } = new("--policy")
    {
        Description = "the policy file (default: smoothinfo.yml in the current folder)",
        DefaultValueFactory = _ => new FileInfo("smoothinfo.yml"),
    };

    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or auto (default: the policy's estimator.device)" };

    public Option<bool> NoProgress { get; } = new("--no-progress") { Description = "do not print progress on stderr" };

    public Option<bool> NoCache { get; } = new("--no-cache")
    {
        Description = $"run the estimator even when {EstimatorCache.FileName} in the report folder holds its output for the same inputs",
    };

    public GateCommandOptions() => Device.AcceptOnlyFromAmong("cpu", "cuda", "auto");

    public void AddTo(Command command)
    {
        command.Options.Add(Policy);
        command.Options.Add(Device);
        command.Options.Add(NoProgress);
        command.Options.Add(NoCache);
    }

    /// <summary>Loads the policy, then runs the gate with the estimator's cache in the report folder.</summary>
    /// <param name="checkBeforeRunning">The command's own checks of its arguments against the policy, run before anything is
    /// read or estimated, so a mistake costs seconds rather than a whole estimator run.</param>
    /// <param name="replacesBaseline">The command writes a new baseline (`smoothinfo baseline`): the old one is not read,
    /// so even a damaged one can be regenerated. Otherwise the pipeline reads it before the data and the estimator.</param>
    public (SmoothInfoPolicy Policy, GateReport Report) Run(ParseResult parse, TextWriter progressWriter, Func<SmoothInfoPolicy, string> reportDirectory,
        Action<SmoothInfoPolicy>? checkBeforeRunning = null, bool replacesBaseline = false)
    {
        var policy = PolicyLoader.Load(parse.GetValue(Policy)!.FullName);
        checkBeforeRunning?.Invoke(policy);
        string? cacheFile = parse.GetValue(NoCache) ? null : Path.Combine(reportDirectory(policy), EstimatorCache.FileName);
        var printer = parse.GetValue(NoProgress) ? null : new ProgressPrinter(progressWriter);
        var options = new GateRunOptions(
            parse.GetValue(Device) is { } device ? Devices.Resolve(device) : null,
            printer,
            printer?.Kernel(),
            cacheFile);
        var run = GatePipeline.Run(replacesBaseline ? policy with { Baseline = null } : policy, options);
        if (run.EstimatorReused)
            parse.InvocationConfiguration.Output.WriteLine(
                $"smoothinfo: estimator output reused from {cacheFile} (same policy estimator settings, data, weights and tool); --no-cache recomputes it");
        return (policy, run.Report);
    }
}
