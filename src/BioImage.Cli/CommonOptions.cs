using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Cli;

/// <summary>
/// The options every verb shares, so that all verbs read the same way:
/// <c>bioimage VERB INPUT [OUTPUT] [--input-key K] [--output-key K] [--block-shape Z,Y,X] [--workers N] [--job-type T] [--json]</c>.
/// Inputs and outputs are (path, key) pairs as in elf/cluster_tools; the key is optional when the path itself is the array.
/// </summary>
internal static class CommonOptions
{
    /// <summary>Job types the runner offers.</summary>
    public static readonly string[] JobTypes = ["local", "subprocess", "slurm"];

    public static Argument<string> Input() => new("INPUT") { Description = "Input path (a .npy file, or a container with --input-key)." };

    public static Argument<string> Output() => new("OUTPUT") { Description = "Output path." };

    public static Option<string?> InputKey() => new("--input-key") { Description = "Dataset inside INPUT (zarr/n5/hdf5 group path); omit when INPUT is the array itself.", HelpName = "K" };

    public static Option<string?> OutputKey() => new("--output-key") { Description = "Dataset inside OUTPUT; omit when OUTPUT is the array itself.", HelpName = "K" };

    public static Option<long[]?> BlockShape() => new("--block-shape")
    {
        Description = "Block extents, one per axis, comma-separated (default: the input's chunks, or the whole volume).",
        HelpName = "Z,Y,X",
        CustomParser = result => ParseList(result, "--block-shape", minimum: 1),
    };

    public static Option<int> Workers() => new("--workers")
    {
        Description = "Parallel workers (threads for local runs).",
        HelpName = "N",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        Validators = { result => RequirePositive(result, "--workers") },
    };

    public static Option<string> JobType()
    {
        var option = new Option<string>("--job-type") { Description = "Where blocks run.", HelpName = string.Join('|', JobTypes), DefaultValueFactory = _ => "local" };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !JobTypes.Contains(value))
            {
                result.AddError($"--job-type: '{value}' is not available; expected one of: {string.Join(", ", JobTypes)}.");
            }
        });
        return option;
    }

    public static Option<DType> DType(string description) => new("--dtype")
    {
        Description = description,
        HelpName = "bool|uint8|…|float64",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DTypes.TryParse(text, out var dtype))
            {
                return dtype;
            }

            result.AddError($"--dtype: '{text}' is not a dtype; expected one of: {string.Join(", ", DTypes.All.Select(d => d.NumpyName()))}.");
            return default;
        },
    };

    public static Option<long[]?> BlockIds() => new("--block-ids")
    {
        Description = "Run only these blocks (ids in C order; ranges inclusive), e.g. the failed ones of an earlier run as its error names them.",
        HelpName = "ID,FROM-TO,…",
        CustomParser = ParseIdRanges,
    };

    /// <summary>Parses "3,7,9" or "0-5,9" (ranges inclusive) into the ids; null when the option is absent.</summary>
    private static long[]? ParseIdRanges(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string list = string.Join(',', result.Tokens.Select(t => t.Value));
        var ids = new List<long>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = part.Length > 1 ? part.IndexOf('-', 1) : -1;
            string first = dash > 0 ? part[..dash] : part, last = dash > 0 ? part[(dash + 1)..] : part;
            if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out long from) || !long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long to) || to < from || to - from >= int.MaxValue - ids.Count)
            {
                result.AddError($"--block-ids: '{list}' is not a comma-separated list of block ids or inclusive ranges, like 3,7,9 or 0-5,9.");
                return null;
            }

            for (long id = from; id <= to; id++)
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }

    public static Option<string?> ResumeFrom() => new("--resume-from") { Description = "Finish a failed distributed run from its kept temp folder.", HelpName = "TMP" };

    public static Option<string?> TmpRoot() => new("--tmp-root") { Description = "Where distributed runs create their temp folder (shared with the nodes for Slurm).", HelpName = "DIR" };

    public static Option<bool> Json() => new("--json") { Description = "Print the result as one JSON object (for scripts)." };

    /// <summary>The downsampling methods of downsample and pyramid: pooling (mean, max, min, mode) or spline resampling (nearest, linear, cubic).</summary>
    public static readonly string[] DownsamplingMethods = ["mean", "max", "min", "mode", "nearest", "linear", "cubic"];

    /// <summary>The --method option of downsample and pyramid.</summary>
    public static Option<string?> DownsamplingMethod(string description)
    {
        var option = new Option<string?>("--method") { Description = description, HelpName = string.Join('|', DownsamplingMethods) };
        option.AcceptOnlyFromAmong(DownsamplingMethods);
        return option;
    }

    /// <summary>
    /// The pooling, or the spline order and anti-aliasing, of a --method (null: nearest) with --order and
    /// --anti-aliasing; a pooling method takes neither, a named spline method no other --order.
    /// </summary>
    public static (PoolingMethod? Pooling, int Order, bool AntiAliasing) Downsampling(string? method, int? order, bool antiAliasing)
    {
        int? named = method switch { "nearest" => 0, "linear" => 1, "cubic" => 3, _ => null };
        if (method is "mean" or "max" or "min" or "mode")
        {
            return order is null && !antiAliasing
                ? (Enum.Parse<PoolingMethod>(method, ignoreCase: true), 0, false)
                : throw new UsageException($"--method {method} pools boxes; --order and --anti-aliasing apply to nearest, linear and cubic.");
        }

        if (named is not null && order is not null && order != named)
        {
            throw new UsageException($"--method {method} is spline order {named}; --order {order} contradicts it (give one of them).");
        }

        return (null, named ?? order ?? 0, antiAliasing);
    }

    /// <summary>The block shape given on the command line, or null when it was not given.</summary>
    /// <remarks>System.CommandLine yields an empty array for an absent array-valued option.</remarks>
    public static long[]? GetBlockShape(this ParseResult parse, Option<long[]?> option) =>
        parse.GetValue(option) is { Length: > 0 } shape ? shape : null;

    /// <summary>Checks that a block shape has one extent per axis of the data; null means "not given".</summary>
    public static void CheckRank(long[]? blockShape, int rank)
    {
        if (blockShape is not null && blockShape.Length != rank)
        {
            throw new UsageException($"--block-shape has {blockShape.Length} values but the input has {rank} axes; give {rank} comma-separated extents.");
        }
    }

    /// <summary>An option holding one non-negative number or a comma-separated list of them (σ, voxel sizes).</summary>
    public static Option<double[]?> NumberList(string optionName, string description) => new(optionName)
    {
        Description = description,
        HelpName = "S|Z,Y,X",
        CustomParser = result => ParseNumbers<double>(
            result,
            NumberStyles.Float,
            value => double.IsFinite(value) && value >= 0,
            list => $"{optionName}: '{list}' is not a non-negative number or a comma-separated list of them like 2 or 1,2,2."),
    };

    /// <summary>Parses a comma-separated list of integers ≥ <paramref name="minimum"/>; null when the option is absent.</summary>
    public static long[]? ParseList(ArgumentResult result, string name, long minimum) =>
        ParseNumbers<long>(
            result,
            NumberStyles.None,
            value => value >= minimum,
            list => $"{name}: '{list}' is not a comma-separated list of integers ≥ {minimum}, like {(minimum == 1 ? "64,64,64" : "3,7,9")}.");

    /// <summary>
    /// Parses the option's tokens as one comma-separated list of numbers (invariant culture, <paramref name="style"/>);
    /// null when the option is absent; adds <paramref name="error"/> of the whole list when a value does not parse or
    /// is not <paramref name="valid"/>.
    /// </summary>
    public static T[]? ParseNumbers<T>(ArgumentResult result, NumberStyles style, Func<T, bool> valid, Func<string, string> error)
        where T : INumber<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var parts = string.Join(',', result.Tokens.Select(t => t.Value)).Split(',', StringSplitOptions.TrimEntries);
        var values = new T[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!T.TryParse(parts[i], style, CultureInfo.InvariantCulture, out values[i]!) || !valid(values[i]))
            {
                result.AddError(error(string.Join(',', parts)));
                return null;
            }
        }

        return values;
    }

    private static void RequirePositive(OptionResult result, string name)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < 1)
        {
            result.AddError($"{name} must be at least 1; got {value}.");
        }
    }
}
