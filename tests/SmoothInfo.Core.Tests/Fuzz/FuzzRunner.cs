using System.Text;
using SmoothInfo.Diagnostics;

namespace SmoothInfo.Tests.Fuzz;

/// <summary>What one target's fuzzing found: inputs read, declined (the cache), refused by error code, and every broken promise.</summary>
internal sealed record FuzzSummary(string Target, int Inputs, int Read, int Declined, IReadOnlyDictionary<string, int> Refusals, IReadOnlyList<string> Failures)
{
    public override string ToString() =>
        $"{Target}: {Inputs} inputs, {Read} read, {(Declined > 0 ? $"{Declined} declined, " : "")}{Refusals.Values.Sum()} refused " +
        $"({string.Join(", ", Refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} x{r.Value}"))}), {Failures.Count} failures";
}

/// <summary>
/// Feeds a reader seeded mutations of its seeds and checks the promise every reader makes: it reads the input or
/// raises the product's input error naming the file (what the CLI turns into exit 2 and a located message), within
/// <see cref="Timeout"/>, allocating no more than <see cref="AllocationBound"/>. Input i of a target is always the
/// same bytes, so a failure is reproduced by its number.
/// </summary>
internal static class FuzzRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The seeds are a few KB: a reader that allocates more than this trusted a size field it should have checked.</summary>
    public const long AllocationBound = 256L << 20;

    public static FuzzSummary Run(FuzzTarget target, int firstInput, int inputs, string workspace, string failureFolder)
    {
        var fuzzCase = target.Prepare(workspace);
        RequireSeedsRead(fuzzCase);
        var refusals = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        int read = 0, declined = 0;
        for (int i = firstInput; i < firstInput + inputs; i++)
        {
            var log = new StringBuilder();
            var seed = fuzzCase.Seeds[i % fuzzCase.Seeds.Count];
            var bytes = fuzzCase.Pack(Mutator.Mutate(seed, new Random(StableSeed(target.Name, i)), log));
            File.WriteAllBytes(fuzzCase.MutatedFile, bytes);
            var (outcome, hung) = Attempt(fuzzCase.Read);
            string? problem = hung ? $"no answer within {Timeout.TotalSeconds} s" : Judge(fuzzCase, outcome.Error);
            if (problem is null && outcome.Allocated > AllocationBound)
                problem = $"allocated {outcome.Allocated >> 20} MB of managed memory (bound {AllocationBound >> 20} MB)";
            if (problem is null && outcome.PeakResidentGrowth > AllocationBound)
                problem = $"the resident set grew by {outcome.PeakResidentGrowth >> 20} MB (bound {AllocationBound >> 20} MB)";
            if (problem is not null)
            {
                string saved = Path.Combine(Directory.CreateDirectory(failureFolder).FullName, $"{target.Name}-{i}{Path.GetExtension(fuzzCase.MutatedFile)}");
                File.WriteAllBytes(saved, bytes);
                failures.Add($"input {i} ({log.ToString().TrimEnd(' ', ';')}): {problem} [saved as {saved}]");
                if (hung) break; // the hung reader still holds the file; the rest would not be independent
            }
            else if (outcome.Error is null && outcome.Result is null) declined++;
            else if (outcome.Error is null) read++;
            else
            {
                string code = Code(outcome.Error);
                refusals[code] = refusals.GetValueOrDefault(code) + 1;
            }
        }
        return new FuzzSummary(target.Name, inputs, read, declined, refusals, failures);
    }

    /// <summary>Mutations of a seed the reader refuses would only test its first check.</summary>
    private static void RequireSeedsRead(FuzzCase fuzzCase)
    {
        for (int k = 0; k < fuzzCase.Seeds.Count; k++)
        {
            File.WriteAllBytes(fuzzCase.MutatedFile, fuzzCase.Pack(fuzzCase.Seeds[k]));
            if (fuzzCase.Read() is null) throw new InvalidOperationException($"seed {k} is declined by its own reader");
        }
    }

    /// <summary>Not string.GetHashCode, which changes from process to process.</summary>
    private static int StableSeed(string name, int input) => name.Aggregate(17, (h, c) => unchecked(h * 31 + c)) ^ unchecked(input * 1_000_003);

    private sealed record Outcome(object? Result, Exception? Error, long Allocated, long PeakResidentGrowth);

    /// <summary>Runs the reader on its own thread, so a hang is detected rather than suffered.</summary>
    private static (Outcome Outcome, bool Hung) Attempt(Func<object?> read)
    {
        Outcome? outcome = null;
        var thread = new Thread(() =>
        {
            long rssBefore = ResidentSet.ResetPeak();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            object? result = null;
            Exception? error = null;
            try
            {
                result = read();
            }
            catch (Exception e)
            {
                error = e;
            }
            outcome = new Outcome(result, error, GC.GetTotalAllocatedBytes(precise: true) - before, ResidentSet.Peak() - rssBefore);
        }, maxStackSize: 16 << 20);
        thread.Start();
        return thread.Join(Timeout) ? (outcome!, false) : (new Outcome(null, null, 0, 0), true);
    }

    /// <summary>Null when the outcome keeps the promise; else what is wrong with it.</summary>
    private static string? Judge(FuzzCase fuzzCase, Exception? error)
    {
        switch (error)
        {
            case null:
                return null;
            case InputException input when !fuzzCase.MayRefuse:
                return $"refused ({input.ToDiagnosticLine()}) where it must recompute instead";
            case InputException input:
                return Names(fuzzCase, input) ? null : $"the error does not name the file: {input.ToDiagnosticLine()}";
            case PolicyValidationException policy when fuzzCase.MayRefuse:
                var unnamed = policy.Errors.FirstOrDefault(e => !Names(fuzzCase, e));
                return unnamed is null ? null : $"the error does not name the file: {unnamed.ToDiagnosticLine()}";
            default:
                return $"{error.GetType().FullName}: {error.Message.Split('\n')[0]} at {error.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
        }
    }

    private static bool Names(FuzzCase fuzzCase, InputException e) =>
        e.Location?.File is { } file && fuzzCase.NamedFiles.Contains(Path.GetFullPath(file));

    private static string Code(Exception e) => e switch
    {
        InputException input => input.Code,
        PolicyValidationException policy => policy.Errors[0].Code,
        _ => e.GetType().Name,
    };
}
