using System.Globalization;
using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace BioImage.Runners;

/// <summary>
/// Settings of the Slurm backend. Each value can come from the caller (explicit), from the <c>[slurm]</c> table
/// of the user config file, or from the defaults — in that order of precedence (<see cref="Over"/>).
/// Every value that reaches <c>sbatch</c> is validated against a strict pattern before anything is submitted.
/// </summary>
public sealed partial record SlurmConfig
{
    /// <summary>Partition (<c>--partition</c>).</summary>
    public string? Partition { get; init; }

    /// <summary>Time limit per array task (<c>--time</c>, e.g. "01:00:00"; Slurm rounds up to whole minutes).</summary>
    public string? Time { get; init; }

    /// <summary>Memory per task (<c>--mem</c>, e.g. "4G").</summary>
    public string? Mem { get; init; }

    /// <summary>CPUs per task (<c>--cpus-per-task</c>).</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>GPUs per task (<c>--gpus</c>, e.g. "1" or "a100:1").</summary>
    public string? Gpus { get; init; }

    /// <summary>Account (<c>--account</c>).</summary>
    public string? Account { get; init; }

    /// <summary>Quality of service (<c>--qos</c>).</summary>
    public string? Qos { get; init; }

    /// <summary>Node features (<c>--constraint</c>).</summary>
    public string? Constraint { get; init; }

    /// <summary>Job name (<c>--job-name</c>); default "bioimage".</summary>
    public string? JobName { get; init; }

    /// <summary>Shell lines run before the worker starts, e.g. <c>module load dotnet</c> (one line each).</summary>
    public IReadOnlyList<string>? Preamble { get; init; }

    /// <summary>Folder shared by this machine and the nodes, where run folders are created.</summary>
    public string? TmpRoot { get; init; }

    /// <summary>Most array tasks running at once (<c>--array=…%N</c>); default: all.</summary>
    public int? Throttle { get; init; }

    /// <summary>Largest array Slurm accepts; default read from <c>scontrol show config</c>.</summary>
    public int? MaxArraySize { get; init; }

    /// <summary>Seconds to wait for a finished task's success file to appear (NFS lag) before calling it failed; default 30.</summary>
    public double? LatencyWait { get; init; }

    /// <summary>Seconds between polls of the queue; default 2.</summary>
    public double? PollInterval { get; init; }

    /// <summary>The user config file: <c>$BIOIMAGE_CONFIG</c>, else <c>$XDG_CONFIG_HOME/bioimage/config.toml</c>, else <c>~/.config/bioimage/config.toml</c>.</summary>
    public static string ConfigFilePath()
    {
        string? explicitPath = Environment.GetEnvironmentVariable("BIOIMAGE_CONFIG");
        if (explicitPath is { Length: > 0 })
        {
            return Path.GetFullPath(explicitPath);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string root = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "bioimage", "config.toml");
    }

    /// <summary>The <c>[slurm]</c> table of the user config file (empty when there is none or <c>BIOIMAGE_NO_CONFIG=1</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not valid TOML, or has an unknown key or a bad value.</exception>
    public static SlurmConfig Load()
    {
        string path = ConfigFilePath();
        if (Environment.GetEnvironmentVariable("BIOIMAGE_NO_CONFIG") == "1" || !File.Exists(path))
        {
            return new SlurmConfig();
        }

        var document = Parse(path);
        return document.TryGetValue("slurm", out var table) ? FromTable(table as TomlTable ?? throw new InvalidDataException($"{path}: [slurm] must be a table."), path) : new SlurmConfig();
    }

    /// <summary>Merges <paramref name="values"/> into the <c>[slurm]</c> table of the config file, keeping the other tables.</summary>
    /// <remarks>The file is rewritten by the TOML serializer: comments are not preserved.</remarks>
    public static string Save(SlurmConfig values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.Validate();
        string path = ConfigFilePath();
        var document = File.Exists(path) ? Parse(path) : new TomlTable();
        var table = document.TryGetValue("slurm", out var existing) && existing is TomlTable t ? t : new TomlTable();
        var merged = values.Over(FromTable(table, path));
        foreach (var (key, value) in merged.ToTomlValues())
        {
            table[key] = value;
        }

        document["slurm"] = table;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, TomlSerializer.Serialize(document, SlurmToml.Default.TomlTable));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>This config with every unset value taken from <paramref name="lower"/> (explicit over file over defaults).</summary>
    public SlurmConfig Over(SlurmConfig lower)
    {
        ArgumentNullException.ThrowIfNull(lower);
        return new SlurmConfig
        {
            Partition = Partition ?? lower.Partition,
            Time = Time ?? lower.Time,
            Mem = Mem ?? lower.Mem,
            CpusPerTask = CpusPerTask ?? lower.CpusPerTask,
            Gpus = Gpus ?? lower.Gpus,
            Account = Account ?? lower.Account,
            Qos = Qos ?? lower.Qos,
            Constraint = Constraint ?? lower.Constraint,
            JobName = JobName ?? lower.JobName,
            Preamble = Preamble ?? lower.Preamble,
            TmpRoot = TmpRoot ?? lower.TmpRoot,
            Throttle = Throttle ?? lower.Throttle,
            MaxArraySize = MaxArraySize ?? lower.MaxArraySize,
            LatencyWait = LatencyWait ?? lower.LatencyWait,
            PollInterval = PollInterval ?? lower.PollInterval,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value that could not safely reach sbatch.</summary>
    public void Validate()
    {
        Check("partition", Partition, Name());
        Check("time", Time, TimeLimit());
        Check("mem", Mem, Memory());
        Check("gpus", Gpus, Gres());
        Check("account", Account, Name());
        Check("qos", Qos, Name());
        Check("constraint", Constraint, Constraints());
        Check("job_name", JobName, Name());
        CheckPositive("cpus_per_task", CpusPerTask);
        CheckPositive("throttle", Throttle);
        CheckPositive("max_array_size", MaxArraySize);
        if (LatencyWait is < 0 || PollInterval is <= 0)
        {
            throw new ArgumentException("slurm.latency_wait must be ≥ 0 and slurm.poll_interval > 0 seconds.");
        }

        foreach (string line in Preamble ?? [])
        {
            if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal) || line.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("slurm.preamble: each entry must be a single line (give a list of lines).");
            }
        }
    }

    /// <summary>The sbatch options these settings give (each a separate argument: no shell is involved).</summary>
    internal IEnumerable<string> SbatchArguments()
    {
        Validate();
        var options = new (string Flag, string? Value)[]
        {
            ("--job-name", JobName ?? "bioimage"), ("--partition", Partition), ("--time", Time), ("--mem", Mem),
            ("--cpus-per-task", CpusPerTask?.ToString(CultureInfo.InvariantCulture)), ("--gpus", Gpus),
            ("--account", Account), ("--qos", Qos), ("--constraint", Constraint),
        };
        return options.Where(o => o.Value is not null).Select(o => $"{o.Flag}={o.Value}");
    }

    private static readonly Dictionary<string, Func<SlurmConfig, object, SlurmConfig>> Keys = new(StringComparer.Ordinal)
    {
        ["partition"] = (c, v) => c with { Partition = Text(v) },
        ["time"] = (c, v) => c with { Time = Text(v) },
        ["mem"] = (c, v) => c with { Mem = Text(v) },
        ["cpus_per_task"] = (c, v) => c with { CpusPerTask = Integer(v) },
        ["gpus"] = (c, v) => c with { Gpus = Text(v) },
        ["account"] = (c, v) => c with { Account = Text(v) },
        ["qos"] = (c, v) => c with { Qos = Text(v) },
        ["constraint"] = (c, v) => c with { Constraint = Text(v) },
        ["job_name"] = (c, v) => c with { JobName = Text(v) },
        ["preamble"] = (c, v) => c with { Preamble = v is TomlArray lines ? lines.Select(Text).ToArray() : Text(v).Split('\n') },
        ["tmp_root"] = (c, v) => c with { TmpRoot = Text(v) },
        ["throttle"] = (c, v) => c with { Throttle = Integer(v) },
        ["max_array_size"] = (c, v) => c with { MaxArraySize = Integer(v) },
        ["latency_wait"] = (c, v) => c with { LatencyWait = Convert.ToDouble(v, CultureInfo.InvariantCulture) },
        ["poll_interval"] = (c, v) => c with { PollInterval = Convert.ToDouble(v, CultureInfo.InvariantCulture) },
    };

    private static TomlTable Parse(string path)
    {
        try
        {
            return TomlSerializer.Deserialize(File.ReadAllText(path), SlurmToml.Default.TomlTable) ?? new TomlTable();
        }
        catch (TomlException exception)
        {
            throw new InvalidDataException($"{path} is not valid TOML: {exception.Message}", exception);
        }
    }

    private static SlurmConfig FromTable(TomlTable table, string path)
    {
        var config = new SlurmConfig();
        foreach (var (key, value) in table)
        {
            if (!Keys.TryGetValue(key, out var set))
            {
                throw new InvalidDataException($"{path}: unknown key slurm.{key}; known keys: {string.Join(", ", Keys.Keys)}.");
            }

            try
            {
                config = set(config, value);
            }
            catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
            {
                throw new InvalidDataException($"{path}: slurm.{key} has the wrong type ({value.GetType().Name}).", exception);
            }
        }

        try
        {
            config.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"{path}: {exception.Message}", exception);
        }

        return config;
    }

    private IEnumerable<(string Key, object Value)> ToTomlValues()
    {
        var values = new (string, object?)[]
        {
            ("partition", Partition), ("time", Time), ("mem", Mem), ("cpus_per_task", (long?)CpusPerTask), ("gpus", Gpus),
            ("account", Account), ("qos", Qos), ("constraint", Constraint), ("job_name", JobName),
            ("preamble", Preamble is null ? null : ToTomlArray(Preamble)), ("tmp_root", TmpRoot), ("throttle", (long?)Throttle),
            ("max_array_size", (long?)MaxArraySize), ("latency_wait", LatencyWait), ("poll_interval", PollInterval),
        };
        return values.Where(v => v.Item2 is not null).Select(v => (v.Item1, v.Item2!));
    }

    private static TomlArray ToTomlArray(IEnumerable<string> lines)
    {
        var array = new TomlArray();
        foreach (string line in lines)
        {
            array.Add(line);
        }

        return array;
    }

    private static string Text(object? value) => value as string ?? throw new InvalidCastException();

    private static int Integer(object value) => value is long number ? checked((int)number) : throw new InvalidCastException();

    private static void Check(string key, string? value, Regex pattern)
    {
        if (value is not null && !pattern.IsMatch(value))
        {
            throw new ArgumentException($"slurm.{key} = \"{value.ReplaceLineEndings("\\n")}\" is not allowed: it may only contain {Describe(pattern)}.");
        }
    }

    private static void CheckPositive(string key, int? value)
    {
        if (value is <= 0)
        {
            throw new ArgumentException($"slurm.{key} must be a positive integer; got {value}.");
        }
    }

    private static string Describe(Regex pattern) => $"characters matching {pattern}";

    [GeneratedRegex(@"^[A-Za-z0-9_.+-]{1,128}$")]
    private static partial Regex Name();

    [GeneratedRegex(@"^([0-9]+-)?[0-9]{1,4}(:[0-9]{1,2}){0,2}$")]
    private static partial Regex TimeLimit();

    [GeneratedRegex(@"^[0-9]+[KMGT]?$")]
    private static partial Regex Memory();

    [GeneratedRegex(@"^[A-Za-z0-9_:,.-]{1,128}$")]
    private static partial Regex Gres();

    [GeneratedRegex(@"^[A-Za-z0-9_&|,.\[\]*:()-]{1,256}$")]
    private static partial Regex Constraints();
}

/// <summary>The source-generated TOML metadata of the configuration file's document model (no reflection: trim- and AOT-safe).</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class SlurmToml : TomlSerializerContext;
