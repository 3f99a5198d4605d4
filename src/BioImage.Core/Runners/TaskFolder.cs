using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioImage.Runners;

/// <summary>
/// The temp-folder protocol of a distributed run (bioimage-py's, see the inventory §2.3). The orchestrator
/// decides from these files only, never from log text:
/// <code>
///   manifest.json          what to run (written once, before any worker starts)
///   blocks/&lt;t&gt;.json        block ids of task t
///   progress/&lt;t&gt;.log       done-log: "&lt;block id&gt;\n" appended after each finished block
///   results/&lt;t&gt;           framed records &lt;int32 LE length&gt;&lt;UTF-8 JSON {"block":id,"result":…}&gt;
///   success/&lt;t&gt;.success    empty sentinel, written last by a task that finished every block
///   error/&lt;t&gt;.txt          why task t failed
///   timings/&lt;t&gt;.json      when and where task t ran
///   logs/                  worker stdout/stderr (and Slurm's)
/// </code>
/// Only newline-terminated done-log lines and complete result records count, so a worker killed mid-write
/// leaves nothing half-counted.
/// </summary>
internal sealed class TaskFolder
{
    private static readonly string[] Subfolders = ["blocks", "progress", "results", "success", "error", "timings", "logs"];

    private TaskFolder(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    public string ManifestPath => System.IO.Path.Combine(Path, "manifest.json");

    public string LogsPath => System.IO.Path.Combine(Path, "logs");

    /// <summary>Creates a private (0700) folder under <paramref name="tmpRoot"/> with the protocol's subfolders.</summary>
    public static TaskFolder Create(string tmpRoot)
    {
        var folder = new TaskFolder(FolderSecurity.CreatePrivateFolder(tmpRoot, "bioimage_"));
        foreach (string sub in Subfolders)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(folder.Path, sub));
        }

        return folder;
    }

    /// <summary>
    /// Creates the task folder of a pass at <paramref name="path"/> (inside an operation's private run folder): a folder
    /// left there without a manifest (a start that was interrupted) is emptied first.
    /// </summary>
    public static TaskFolder CreateAt(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }

        FolderSecurity.CreatePrivateFolderAt(full);
        var folder = new TaskFolder(full);
        foreach (string sub in Subfolders)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(full, sub));
        }

        return folder;
    }

    /// <summary>Opens an existing run folder after checking that nobody else owns or can write it.</summary>
    public static TaskFolder Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(System.IO.Path.Combine(full, "manifest.json")))
        {
            throw new DirectoryNotFoundException($"{full} is not the temp folder of a bioimage run (no manifest.json).");
        }

        FolderSecurity.RequirePrivate(full);
        return new TaskFolder(full);
    }

    public void WriteManifest(Manifest manifest) => WriteAtomically(ManifestPath, JsonSerializer.SerializeToUtf8Bytes(manifest, Manifest.Json.Info<Manifest>()));

    public Manifest ReadManifest()
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(ManifestPath), Manifest.Json.Info<Manifest>())
            ?? throw new InvalidDataException($"{ManifestPath} is empty.");
        return manifest.Version == Manifest.CurrentVersion
            ? manifest
            : throw new InvalidDataException($"{ManifestPath} has version {manifest.Version}; this bioimage reads version {Manifest.CurrentVersion}.");
    }

    public void WriteTaskBlocks(int task, IReadOnlyList<long> blockIds) =>
        WriteAtomically(PathOf("blocks", $"{task}.json"), JsonSerializer.SerializeToUtf8Bytes(blockIds, CoreJsonContext.Default.Int64Array));

    public long[] ReadTaskBlocks(int task) => JsonSerializer.Deserialize(File.ReadAllBytes(PathOf("blocks", $"{task}.json")), CoreJsonContext.Default.Int64Array) ?? [];

    /// <summary>Blocks task <paramref name="task"/> has finished: newline-terminated lines of its done-log.</summary>
    public HashSet<long> ReadDone(int task)
    {
        string path = DoneLogPath(task);
        var done = new HashSet<long>();
        if (!File.Exists(path))
        {
            return done;
        }

        string text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n');
        foreach (string line in text[..(end + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            done.Add(long.Parse(line, CultureInfo.InvariantCulture));
        }

        return done;
    }

    public string DoneLogPath(int task) => PathOf("progress", $"{task}.log");

    public FileStream OpenDoneLog(int task) => new(DoneLogPath(task), FileMode.Append, FileAccess.Write, FileShare.Read);

    public FileStream OpenResults(int task) => new(PathOf("results", $"{task}"), FileMode.Append, FileAccess.Write, FileShare.Read);

    public static void AppendDone(FileStream log, long blockId)
    {
        log.Write(Encoding.ASCII.GetBytes(blockId.ToString(CultureInfo.InvariantCulture) + "\n"));
        log.Flush();
    }

    public static void AppendResult(FileStream results, long blockId, object? value, Type type)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteNumber("block", blockId);
            writer.WritePropertyName("result");
            JsonSerializer.Serialize(writer, value, Manifest.Json.Info(type));
            writer.WriteEndObject();
        }

        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, checked((int)json.Length));
        results.Write(length);
        results.Write(json.GetBuffer().AsSpan(0, (int)json.Length));
        results.Flush();
    }

    /// <summary>Every complete result record of every task; a block recorded twice (a resumed task) keeps the last.</summary>
    public Dictionary<long, JsonElement> ReadResults()
    {
        var results = new Dictionary<long, JsonElement>();
        foreach (string path in Directory.GetFiles(System.IO.Path.Combine(Path, "results")).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path).AsSpan();
            while (bytes.Length >= 4)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
                if (length < 0 || bytes.Length - 4 < length)
                {
                    break; // a torn record at the end: the block is not in the done-log either
                }

                using var record = JsonDocument.Parse(bytes.Slice(4, length).ToArray());
                results[record.RootElement.GetProperty("block").GetInt64()] = record.RootElement.GetProperty("result").Clone();
                bytes = bytes[(4 + length)..];
            }
        }

        return results;
    }

    public bool HasSucceeded(int task) => File.Exists(PathOf("success", $"{task}.success"));

    public void MarkSucceeded(int task) => WriteAtomically(PathOf("success", $"{task}.success"), []);

    public void ClearSuccess(int task) => File.Delete(PathOf("success", $"{task}.success"));

    public void WriteError(int task, string text) => WriteAtomically(PathOf("error", $"{task}.txt"), Encoding.UTF8.GetBytes(text));

    public bool HasError(int task) => File.Exists(PathOf("error", $"{task}.txt"));

    public void ClearError(int task) => File.Delete(PathOf("error", $"{task}.txt"));

    /// <summary>The last non-empty line of the first task's error file, for the failure message.</summary>
    public string? FirstErrorLine(IEnumerable<int> tasks)
    {
        foreach (int task in tasks.Order())
        {
            string path = PathOf("error", $"{task}.txt");
            if (File.Exists(path))
            {
                return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).FirstOrDefault();
            }
        }

        return null;
    }

    public void WriteTimings(int task, TaskTimings timings) => WriteAtomically(PathOf("timings", $"{task}.json"), JsonSerializer.SerializeToUtf8Bytes(timings, RunnersJsonContext.Default.TaskTimings));

    private string PathOf(string sub, string name) => System.IO.Path.Combine(Path, sub, name);

    /// <summary>Writes a whole file under a temporary name and renames it into place: readers see all of it or nothing.</summary>
    internal static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, content.ToArray());
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary><c>timings/&lt;t&gt;.json</c>: when and where task t ran, and how many blocks it processed.</summary>
internal sealed record TaskTimings(
    [property: JsonPropertyName("task")] int Task,
    [property: JsonPropertyName("processed")] int Processed,
    [property: JsonPropertyName("computeSeconds")] double ComputeSeconds,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("ended")] DateTimeOffset Ended,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("slurmJobId")] string? SlurmJobId,
    [property: JsonPropertyName("slurmArrayTaskId")] string? SlurmArrayTaskId);
