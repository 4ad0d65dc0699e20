using SmoothInfo.Evidence;

// Usage: dotnet run --project tests/SmoothInfo.Evidence -c Release -- plant-sample <out-folder> [seed]
//        ... -- sample-project <sample-project folder> [seed]   (regenerates its data/ and model/)
//        ... -- summarize   (drop the least informative x% vs x% at random, retrain the head, test accuracy)
//        ... -- groups <empty folder> [seed]   (an under-represented class and a noisy source in the per-group report rows; seed 3)
//        ... -- detect <seeds,> <hidden widths,> <weight decays,> <epochs> [t10k|disjoint]   (AUROC per signal, docs/rules-and-reports.md;
//               the served model learns from the test split, or from everything the subset does not hold)
//        ... -- compare <seeds,> <hidden widths,> <weight decay> <epochs>   (against confident learning, docs/rules-and-reports.md)
//        ... -- linearization [n] [left out] [held out] [steps] [weight decay] [flips] [seed]
//               (linearized leave-one-out vs real retraining, docs/estimator.md; defaults 500 200 200 300 0.01 10 1)
//        ... -- linearization-architectures [n] [left out] [held out] [steps] [weight decay] [flips] [seeds,]
//               (the same for a CNN from scratch and a head on ResNet-18 features, docs/paper.md; defaults 200 100 200 100 0.01 5 1,2,3)
//        ... -- linearization-last-block [n] [left out] [held out] [steps] [weight decay] [flips] [seeds,] [image size]
//               (the same for the pretrained ResNet-18's last block and a head, ported to TorchSharp, docs/paper.md;
//               defaults 100 30 100 50 0.01 3 1,2,3 64)
//        ... -- summarize-protocol [n] [held out] [test] [seeds,] [random repeats]   (the paper's protocol: 5% at a time, F-SI recomputed,
//               up to 95%, against random and one-shot removal, docs/paper.md; defaults 1000 1000 5000 1,2,3 3)
//        ... -- training-time [n] [held out] [flip rate] [seeds,]   (weight SI and F-SI across training time t, clean against flipped,
//               docs/paper.md; defaults 500 500 0.1 1,2,3)
//        ... -- weight-vs-functional [n] [held out] [flip rate] [weight decay] [seeds,] [linearized layers,]   (weight SI against held-out
//               F-SI, docs/paper.md; defaults 300 300 0.1 1 1,2,3 1)
//        ... -- outofbox <datasets,> <seeds,> [out folder]   (planted problems in fashion-mnist, digits, breast-cancer, wine, iris;
//               the built smoothinfo tool's init + check against the cleanlab recipe and an isolation forest; default out folder
//               artifacts/outofbox; tables to stdout and <out folder>/outofbox.md; needs dotnet build src/SmoothInfo.Cli -c Release)
//        ... -- embeddings <out folder> [count] [dimension] [classes] [flip rate] [seed]   (synthetic embeddings with planted flips and a
//               linear-probe policy, defaults 1000000 512 10 0.01 1; then run smoothinfo check --policy <out folder>/smoothinfo.yml)
//        ... -- embeddings-auroc <out folder>   (the AUROC of the flips from that run's JSON report; docs/benchmarks.md)
//        ... -- reports-equal <report.json> <report.json>   (per-sample signals and findings of two runs compared; docs/sharding.md)
SmoothInfo.Runtime.NativeMemory.ReturnLargeBuffersToTheSystem();
string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
int[] Integers(string list) => list.Split(',').Select(int.Parse).ToArray();
double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
if (args.Length >= 2 && args[0] == "plant-sample")
{
    int seed = args.Length > 2 ? int.Parse(args[2]) : 20261126;
    var subset = Plants.Make(FashionMnist.Train(), count: 2000, flips: 4, corrupted: 3, adversarial: 3, seed);
    Plants.Save(args[1], subset);
    Console.WriteLine($"wrote {args[1]}: 2000 images, surrogate accuracy {subset.SurrogateAccuracy:P1} on its own training set");
    foreach (var p in subset.Planted) Console.WriteLine($"  #{p.Index}: {p.Kind} ({p.Detail}), {p.OriginalLabel} -> {p.Label}");
    return 0;
}
if (args.Length >= 2 && args[0] == "sample-project")
{
    SampleProjectData.Write(args[1], args.Length > 2 ? int.Parse(args[2]) : 20261126);
    return 0;
}
if (args.Length >= 1 && args[0] == "summarize")
{
    SummarizationExperiment.Run(seed: 11, new[] { 0.1, 0.2, 0.3, 0.5, 0.7 }, randomRepeats: 5);
    return 0;
}
if (args.Length >= 2 && args[0] == "groups")
{
    GroupsExperiment.Run(args[1], seed: int.Parse(Arg(2, "3")), rareClass: 8, rareCount: 20, noisyShare: 0.2, flipRate: 0.25);
    return 0;
}
if (args.Length >= 1 && args[0] == "detect")
{
    DetectionExperiment.Run(Integers(args[1]), Integers(args[2]), args[3].Split(',').Select(double.Parse).ToArray(), int.Parse(args[4]),
        args.Length > 5 ? args[5] : "t10k");
    return 0;
}
if (args.Length >= 5 && args[0] == "compare")
{
    BaselineComparison.Run(Integers(args[1]), Integers(args[2]), double.Parse(args[3]), int.Parse(args[4]));
    return 0;
}
if (args.Length >= 1 && args[0] == "linearization")
{
    LinearizationExperiment.Run(int.Parse(Arg(1, "500")), int.Parse(Arg(2, "200")), int.Parse(Arg(3, "200")), int.Parse(Arg(4, "300")),
        Number(Arg(5, "0.01")), int.Parse(Arg(6, "10")), int.Parse(Arg(7, "1")));
    return 0;
}
if (args.Length >= 1 && args[0] == "linearization-architectures")
{
    ArchitectureLinearizationExperiment.Run(int.Parse(Arg(1, "200")), int.Parse(Arg(2, "100")), int.Parse(Arg(3, "200")), int.Parse(Arg(4, "100")),
        Number(Arg(5, "0.01")), int.Parse(Arg(6, "5")), Integers(Arg(7, "1,2,3")));
    return 0;
}
if (args.Length >= 1 && args[0] == "linearization-last-block")
{
    LastBlockLinearizationExperiment.Run(int.Parse(Arg(1, "100")), int.Parse(Arg(2, "30")), int.Parse(Arg(3, "100")), int.Parse(Arg(4, "50")),
        Number(Arg(5, "0.01")), int.Parse(Arg(6, "3")), Integers(Arg(7, "1,2,3")), int.Parse(Arg(8, "64")));
    return 0;
}
if (args.Length >= 1 && args[0] == "summarize-protocol")
{
    SummarizationProtocolExperiment.Run(int.Parse(Arg(1, "1000")), int.Parse(Arg(2, "1000")), int.Parse(Arg(3, "5000")),
        Integers(Arg(4, "1,2,3")), int.Parse(Arg(5, "3")));
    return 0;
}
if (args.Length >= 1 && args[0] == "training-time")
{
    TrainingTimeExperiment.Run(int.Parse(Arg(1, "500")), int.Parse(Arg(2, "500")), Number(Arg(3, "0.1")), Integers(Arg(4, "1,2,3")));
    return 0;
}
if (args.Length >= 1 && args[0] == "weight-vs-functional")
{
    WeightFunctionalExperiment.Run(int.Parse(Arg(1, "300")), int.Parse(Arg(2, "300")), Number(Arg(3, "0.1")),
        Number(Arg(4, "1")), Integers(Arg(5, "1,2,3")), Integers(Arg(6, "1")));
    return 0;
}
if (args.Length >= 3 && args[0] == "outofbox")
{
    string outDir = args.Length > 3 ? args[3] : "artifacts/outofbox";
    Directory.CreateDirectory(outDir);
    OutOfBox.Run(args[1].Split(','), Integers(args[2]), outDir);
    return 0;
}
if (args.Length >= 2 && args[0] == "embeddings")
{
    EmbeddingsBenchmark.Write(args[1], long.Parse(Arg(2, "1000000")), int.Parse(Arg(3, "512")), int.Parse(Arg(4, "10")),
        Number(Arg(5, "0.01")), int.Parse(Arg(6, "1")));
    return 0;
}
if (args.Length >= 2 && args[0] == "embeddings-auroc")
{
    EmbeddingsBenchmark.Score(args[1]);
    return 0;
}
if (args.Length >= 3 && args[0] == "reports-equal") return ReportComparison.Run(args[1], args[2]);
Console.Error.WriteLine("usage: SmoothInfo.Evidence plant-sample|sample-project|summarize|summarize-protocol|training-time|weight-vs-functional|groups|detect|compare|linearization|linearization-architectures|linearization-last-block|outofbox|embeddings|embeddings-auroc|reports-equal ... (see Program.cs)");
return 2;
