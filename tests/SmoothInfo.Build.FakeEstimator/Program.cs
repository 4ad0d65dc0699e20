// Plays the estimator's side of the child contract (docs/msbuild.md) the way a test prepared it:
// it appends its arguments to fake-estimator.calls beside the policy, then follows fake-estimator.json there:
//   { "stderr": ["lines to print"], "diagnostics": { ...file content... }, "exitCode": 1, "end": "exit|kill|crash|hang",
//     "reports": { "smoothinfo-summary.md": "file content written into --report-dir" } }
using System.Diagnostics;
using System.Text.Json.Nodes;

string policy = ValueOf("--policy");
string diagnosticsFile = ValueOf("--diagnostics");
string folder = Path.GetDirectoryName(policy)!;
File.AppendAllText(Path.Combine(folder, "fake-estimator.calls"), string.Join(" ", args) + "\n");
var scenario = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "fake-estimator.json")))!;

foreach (var line in scenario["stderr"]?.AsArray() ?? []) Console.Error.WriteLine((string)line!);
foreach (var (name, text) in scenario["reports"]?.AsObject() ?? [])
    File.WriteAllText(Path.Combine(ValueOf("--report-dir"), name), (string)text!);
if (scenario["diagnostics"] is JsonNode diagnostics) File.WriteAllText(diagnosticsFile, diagnostics.ToJsonString());

switch ((string?)scenario["end"] ?? "exit")
{
    case "kill":
        Process.GetCurrentProcess().Kill(); // SIGKILL on Unix: what the out-of-memory killer does
        break;
    case "crash":
        Environment.FailFast("fake estimator crash"); // SIGABRT on Unix, like a native crash
        break;
    case "hang":
        Thread.Sleep(Timeout.Infinite);
        break;
}
return (int?)scenario["exitCode"] ?? 0;

string ValueOf(string option)
{
    int at = Array.IndexOf(args, option);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"missing {option}");
}
