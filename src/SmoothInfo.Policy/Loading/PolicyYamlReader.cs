using System.Text.RegularExpressions;
using SmoothInfo.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SmoothInfo.Policy.Loading;

/// <summary>
/// Parses the policy's YAML into a stream, turning every parser failure into one located SI2011.
/// YamlDotNet does not always say where (or even throw a <see cref="YamlException"/>): an unclosed
/// flow collection ends in a bare <see cref="InvalidOperationException"/>, and a tab used for indentation
/// is reported at (1,1). So the parser is watched: the scanner's position and the flow collections still
/// open when it failed locate what a YamlException does not.
/// </summary>
internal static class PolicyYamlReader
{
    private const string Fix = "fix the YAML syntax at this position (indent with spaces, put a space after ':', close every quote and bracket).";

    public static YamlStream Read(string policyFile, string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new FlowTrackingParser(new Parser(scanner));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
            return stream;
        }
        catch (YamlException e) when (e.Message.Contains(" tab ", StringComparison.OrdinalIgnoreCase))
        {
            var (line, column) = TabIndentation.Find(text, fromLine: (int)e.Start.Line) ?? ((int)e.Start.Line, (int)e.Start.Column);
            throw new InputException(ErrorCodes.PolicySyntax, $"the policy is not valid YAML: {Reason(e)}",
                "indent with spaces; YAML does not allow tabs in indentation.", new SourceLocation(policyFile, line, column));
        }
        catch (AnchorNotFoundException e) when (AliasPosition(text, e.Message) is var (line, column, name))
        {
            // YamlDotNet reports an unknown alias at (1,1); the alias itself is where the user must look.
            throw new InputException(ErrorCodes.PolicySyntax, $"the policy is not valid YAML: the alias '*{name}' refers to no anchor '&{name}' before it.",
                $"define '&{name}' on an earlier value, or write the value out here.", new SourceLocation(policyFile, line, column));
        }
        catch (YamlException e)
        {
            throw new InputException(ErrorCodes.PolicySyntax, $"the policy is not valid YAML: {Reason(e)}", Fix,
                new SourceLocation(policyFile, (int)e.Start.Line, (int)e.Start.Column));
        }
        catch (Exception e)
        {
            // Only the YAML parser runs in this block, on text already in memory: whatever it throws is
            // its verdict on the text, never a failure of ours to report as internal.
            var open = parser.InnermostOpenFlowCollection;
            if (open is not null)
            {
                string bracket = open is SequenceStart ? "[" : "{";
                string closing = open is SequenceStart ? "]" : "}";
                throw new InputException(ErrorCodes.PolicySyntax,
                    $"the policy is not valid YAML: the '{bracket}' opened here is not closed before line {scanner.CurrentPosition.Line}.",
                    $"close it with '{closing}' on the same line, or write the list as '- item' lines.",
                    new SourceLocation(policyFile, (int)open.Start.Line, (int)open.Start.Column));
            }
            var at = scanner.CurrentPosition;
            throw new InputException(ErrorCodes.PolicySyntax, $"the policy is not valid YAML: the parser stopped here ({e.Message.TrimEnd('.')}).", Fix,
                new SourceLocation(policyFile, (int)at.Line, (int)at.Column));
        }
    }

    /// <summary>Where the first alias to the anchor named in YamlDotNet's message ("The anchor 'x' does not exists") is.</summary>
    private static (int Line, int Column, string Name)? AliasPosition(string text, string message)
    {
        var named = Regex.Match(message, "anchor '([^']+)'");
        if (!named.Success) return null;
        string name = named.Groups[1].Value;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            foreach (Match alias in Regex.Matches(lines[i], @"\*" + Regex.Escape(name) + @"(?=[\s,\]}]|$)"))
                return (i + 1, alias.Index + 1, name);
        return null;
    }

    // YamlDotNet's message repeats the position; keep only its explanation.
    private static string Reason(YamlException e)
    {
        string reason = e.InnerException?.Message ?? e.Message;
        int cut = reason.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? reason[(cut + 3)..] : reason;
    }

    /// <summary>Passes events through and remembers which flow collections ('[', '{') are open.</summary>
    private sealed class FlowTrackingParser(IParser inner) : IParser
    {
        private readonly Stack<NodeEvent?> _open = new();

        public ParsingEvent? Current => inner.Current;

        public NodeEvent? InnermostOpenFlowCollection => _open.FirstOrDefault(e => e is not null);

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            switch (inner.Current)
            {
                case SequenceStart s: _open.Push(s.Style == SequenceStyle.Flow ? s : null); break;
                case MappingStart m: _open.Push(m.Style == MappingStyle.Flow ? m : null); break;
                case SequenceEnd or MappingEnd when _open.Count > 0: _open.Pop(); break;
            }
            return true;
        }
    }
}
