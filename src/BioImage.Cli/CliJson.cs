using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BioImage.Cli;

/// <summary>How every verb prints <c>--json</c>: one object on one line, camelCase names, readable Unicode.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter writer, object value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>Reports a verb's result: <paramref name="summary"/> as JSON with <c>--json</c>, else the human line.</summary>
    public static void Report(ParseResult parse, Option<bool> json, object summary, string line)
    {
        var writer = parse.InvocationConfiguration.Output;
        if (parse.GetValue(json))
        {
            Write(writer, summary);
        }
        else
        {
            writer.WriteLine(line);
        }
    }
}
