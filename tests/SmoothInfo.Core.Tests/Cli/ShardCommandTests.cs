using SmoothInfo.Cli;
using SmoothInfo.Evidence;
using SmoothInfo.Tests.Data;

namespace SmoothInfo.Tests.Cli;

/// <summary>
/// `smoothinfo shard` stage by stage, and `smoothinfo check --workers N` (which runs them as child processes of the tool),
/// against `smoothinfo check` in one process on embeddings with planted label flips: the same diagnostics, summary, report
/// and exit code.
/// </summary>
public sealed class ShardCommandTests : DataFolder
{
    [SetUp]
    public void WriteEmbeddings()
    {
        SyntheticEmbeddings.Write(PathOf("x.npy"), PathOf("y.npy"), count: 2000, dimension: 16, classes: 3, flipRate: 0.01, seed: 8);
        WriteText("smoothinfo.yml", "version: 1\ndataset:\n  format: npy\n  path: x.npy\n  labels: y.npy\nmodel:\n  probe: { kind: linear }\n" +
            "training:\n  weightDecay: auto\nreports:\n  directory: out\n  formats: [json, sarif]\n");
    }

    private (int Code, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = SmoothInfoApp.Run(args.Concat(new[] { "--policy", PathOf("smoothinfo.yml") }).ToArray(), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>What `check` printed and wrote, with the report read before the next run overwrites it.</summary>
    private (int Code, string Out, string Report) Check(params string[] args)
    {
        var (code, output, error) = Run(new[] { "check", "--no-progress", "--no-cache" }.Concat(args).ToArray());
        Assert.That(code, Is.EqualTo(ExitCodes.GateFailed), error + output);
        return (code, output, File.ReadAllText(PathOf("out/smoothinfo-report.json")));
    }

    [Test]
    public void TheStagesOneByOneJudgeAsCheckDoes()
    {
        var single = Check();
        Assert.That(single.Out, Does.Contain("error SI1001"), "the planted flips are found");
        string dir = PathOf("shards");
        foreach (string stage in new[] { "stats", "merge", "errors", "choose", "score" })
        {
            var runs = stage is "merge" or "choose"
                ? new[] { new[] { "--shards", "3" } }
                : Enumerable.Range(1, 3).Select(i => new[] { "--shard", $"{i}/3" }).ToArray();
            foreach (var which in runs)
            {
                var (code, _, error) = Run(new[] { "shard", stage, "--dir", dir }.Concat(which).ToArray());
                Assert.That(code, Is.EqualTo(ExitCodes.Success), $"{stage} {string.Join(" ", which)}: {error}");
            }
        }
        var (judged, output, judgeError) = Run("shard", "judge", "--shards", "3", "--dir", dir);

        Assert.That(judged, Is.EqualTo(single.Code), judgeError);
        Assert.That(output, Is.EqualTo(single.Out));
        Assert.That(File.ReadAllText(PathOf("out/smoothinfo-report.json")), Is.EqualTo(single.Report));
    }

    [Test]
    public void CheckWithWorkersEqualsCheckInOneProcess()
    {
        var single = Check();
        var workers = Check("--workers", "2");
        Assert.That(workers.Out, Is.EqualTo(single.Out));
        Assert.That(workers.Report, Is.EqualTo(single.Report));
        Assert.That(Directory.GetFileSystemEntries(PathOf("out")).Select(Path.GetFileName), Has.None.StartsWith(".smoothinfo-shards"), "the exchange folder is removed");
    }

    [Test]
    public void JudgingBeforeTheShardsScoredIsAnInputError()
    {
        var (code, _, error) = Run("shard", "judge", "--shards", "2", "--dir", PathOf("shards"));
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.Contain("error SI2701").And.Contain("smoothinfo shard merge --shards 2"));
    }

    [Test]
    public void AShardOutsideTheCountIsAUsageError()
    {
        var (code, _, error) = Run("shard", "stats", "--shard", "5/4", "--dir", PathOf("shards"));
        Assert.That(code, Is.EqualTo(ExitCodes.UsageOrInputError));
        Assert.That(error, Does.Contain("error SI2000").And.Contain("--shard 5/4"));
    }
}
