namespace SmoothInfo.Gate.Shards;

/// <summary>The stages of a sharded run, in order; each names the file it writes and the command that writes it.</summary>
public enum ShardStage
{
    Stats,
    Merge,
    Errors,
    Choose,
    Score,
}

public static class ShardStages
{
    /// <summary>The stages a shard runs on its own samples (the others run once, over all shards' files).</summary>
    public static readonly ShardStage[] PerShard = [ShardStage.Stats, ShardStage.Errors, ShardStage.Score];

    /// <summary>The subcommand: `smoothinfo shard NAME`.</summary>
    public static string Name(this ShardStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>stats-2-of-4.json for a shard's file, merge-of-4.json for a merged one (index 0).</summary>
    public static string PathIn(this ShardStage stage, string directory, ShardRange shard) => Path.Combine(directory,
        shard.Index == 0 ? $"{stage.Name()}-of-{shard.Count}.json" : $"{stage.Name()}-{shard.Index}-of-{shard.Count}.json");

    /// <summary>The command line that writes the stage's file, as the error about a missing one suggests it.</summary>
    public static string Command(this ShardStage stage, ShardRange shard) =>
        $"smoothinfo shard {stage.Name()} " + (shard.Index == 0 ? $"--shards {shard.Count}" : $"--shard {shard}") + " --dir <folder>";
}
