using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BioImage.Interop;

/// <summary>
/// C exports of the operation layer: whole verbs on files (copy, the Gaussian filters, label), block-wise on local
/// threads, worker processes or Slurm, as the bioimage CLI runs them. A request is one UTF-8 JSON object (the keys
/// of interop/BioImage.Blockwise/BlockwiseRequest.cs); the answer is one JSON object in a library-owned buffer
/// (<c>bk_free</c>).
/// </summary>
/// <remarks>
/// The library runs a request in the block-wise host program (interop/BioImage.Blockwise, framework-dependent,
/// shipped beside the library) rather than in this process: BioImage.Core saves operations, run records, worker
/// manifests and reports with reflection-based System.Text.Json, and NativeAOT has no code for the generic
/// instantiations that needs (measured: a distributed copy fails on <c>JsonPropertyInfo&lt;DType?&gt;</c> "missing
/// native code", a local label on its report's <c>SmallObjectWithParameterizedConstructorConverter</c>; only a local
/// copy or filter ran). The host costs ~0.5 s of start-up per call (0.45–0.7 s measured on our loaded 2-core machine) — once per verb, not per block — and the
/// workers of distributed runs are Core's own, started by the host as the CLI starts them.
/// </remarks>
public static unsafe partial class Blockwise
{
    private const string HostVariable = "BIOIMAGE_BLOCKWISE_HOST";
    private const int SigInt = 2;
    private const int SigTerm = 15;

    /// <summary>The hosts running a request now (<c>bk_blockwise_cancel</c> stops them).</summary>
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>
    /// <c>int32_t bk_blockwise_run(const char* request, const char* host, char** answer)</c>: runs the request and
    /// stores its answer in <paramref name="answer"/> (NUL-terminated UTF-8 JSON owned by the library, free it with
    /// <c>bk_free</c>; NULL when no answer came): <c>{"status": "ok", "report": {…}}</c> on success, else
    /// <c>{"status", "message", "failed_block_ids", "tmp_folder"}</c> with the status code of the failure: refused →
    /// BK_ERR_INVALID_ARGUMENT (nothing was touched), failed → BK_ERR_RUN_FAILED (the failed blocks, and for
    /// distributed runs the kept temp folder to pass as resume_from), data → BK_ERR_DATA, io → BK_ERR_IO.
    /// </summary>
    /// <param name="request">The request: UTF-8 JSON.</param>
    /// <param name="host">The host program's path; NULL: <c>$BIOIMAGE_BLOCKWISE_HOST</c>.</param>
    /// <param name="answer">Receives the answer.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_blockwise_run")]
    public static int Run(byte* request, byte* host, byte** answer)
    {
        try
        {
            if (answer == null)
            {
                throw new ArgumentException("answer must not be NULL: it receives the answer buffer.");
            }

            *answer = null;
            string json = Marshal.PtrToStringUTF8((nint)request) ?? throw new ArgumentException("request must not be NULL: pass a JSON object such as {\"verb\": \"copy\", \"input\": …, \"output\": …}.");
            string text = Ask(HostPath(host), json);
            *answer = Copy(text);
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            string status = root.GetProperty("status").GetString() ?? string.Empty;
            return status == "ok" ? Status.Ok : LastError.Fail(StatusOf(status), root.GetProperty("message").GetString() ?? status);
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    /// <summary>
    /// <c>int32_t bk_blockwise_cancel(void)</c>: cancels every block-wise run of this process (e.g. on Ctrl-C): each
    /// host gets SIGTERM and stops its run — distributed runs stop their workers or cancel their Slurm jobs and keep
    /// their temp folder — and its <c>bk_blockwise_run</c> returns BK_ERR_RUN_FAILED with that folder. Returns how
    /// many runs were signalled.
    /// </summary>
    /// <returns>The number of runs signalled.</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_blockwise_cancel")]
    public static int Cancel()
    {
        try
        {
            return Running.Keys.Count(pid => Kill(pid, SigTerm) == 0);
        }
        catch (Exception e)
        {
            LastError.Fail(e);
            return 0;
        }
    }

    /// <summary><c>void bk_free(void* buffer)</c>: frees a buffer the library returned (NULL is ignored).</summary>
    /// <param name="buffer">The buffer.</param>
    [UnmanagedCallersOnly(EntryPoint = "bk_free")]
    public static void Free(void* buffer) => NativeMemory.Free(buffer);

    private static string HostPath(byte* host)
    {
        string? path = host != null ? Marshal.PtrToStringUTF8((nint)host) : Environment.GetEnvironmentVariable(HostVariable);
        if (path is not { Length: > 0 })
        {
            throw new ArgumentException($"host is NULL and {HostVariable} is not set: name the block-wise host program (BioImage.Blockwise, shipped beside the library).");
        }

        return File.Exists(path) ? Path.GetFullPath(path) : throw new ArgumentException($"The block-wise host {path} does not exist; build it with interop/build.sh.");
    }

    /// <summary>Starts the host, writes the request to its stdin and returns what it writes to stdout; its stderr (progress) is this process's.</summary>
    private static string Ask(string host, string request)
    {
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var (name, value) in LiveEnvironment())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the block-wise host {host}.");
        Running[process.Id] = process;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Write(request);
            process.StandardInput.Close();
            string text = output.GetAwaiter().GetResult();
            process.WaitForExit();
            return (process.ExitCode, text.Length) switch
            {
                (0, > 0) => text,

                // SIGTERM or SIGINT before the host set its handlers: it had not read the request, nothing was touched.
                (128 + SigTerm or 128 + SigInt, 0) => """{"status": "failed", "message": "The run was cancelled before it started; nothing was written.", "failed_block_ids": [], "tmp_folder": null}""",
                _ => throw new InvalidOperationException($"The block-wise host {host} ended with exit code {process.ExitCode} without an answer (is the .NET runtime installed? see its stderr)."),
            };
        }
        finally
        {
            Running.TryRemove(process.Id, out _);
        }
    }

    /// <summary>
    /// The process's environment as it is now (libc's <c>environ</c>). .NET reads it once when the runtime starts, at
    /// the first call into the library; the caller may have changed it since (Python's os.environ writes through), and
    /// the host must see BIOIMAGE_CONFIG, BIOIMAGE_WORKER, DOTNET_ROOT, ... as the caller set them.
    /// </summary>
    private static List<(string Name, string Value)> LiveEnvironment()
    {
        var variables = new List<(string, string)>();
        // The global lookup from the main program: an executable that uses environ has its own copy (a copy relocation),
        // which is the live one; libc's original storage is then stale.
        byte** entries = *(byte***)NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "environ");
        for (; *entries != null; entries++)
        {
            string entry = Marshal.PtrToStringUTF8((nint)(*entries)) ?? string.Empty;
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables.Add((entry[..equals], entry[(equals + 1)..]));
            }
        }

        return variables;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private static int StatusOf(string status) => status switch
    {
        "refused" => Status.InvalidArgument,
        "failed" => Status.RunFailed,
        "data" => Status.DataCondition,
        "io" => Status.IOError,
        _ => Status.Internal,
    };

    private static byte* Copy(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }
}
