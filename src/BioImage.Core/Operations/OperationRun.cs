using System.Globalization;
using System.Text.Json;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// One execution of an <see cref="Operation"/>, handed to it by <see cref="Executor"/>: the opened inputs and
/// outputs, the run options (block shape resolved, mask attached), a scratch folder for data between passes, and the
/// passes themselves. Each pass runs through the runner; in a distributed run its task files live in the run folder
/// (<c>passes/&lt;k&gt;/</c>) and its results are saved when it completes (<c>passes/&lt;k&gt;.json</c>). A resumed
/// run replays the operation from the start: passes with saved results return them without running, the pass that
/// failed resumes its task folder (only its missing blocks run), and later passes run as usual — so whatever an
/// operation computes between passes is recomputed from the same results.
/// </summary>
public sealed class OperationRun
{
    private readonly Operation _operation;
    private readonly string? _runFolder;
    private bool _reattaching;
    private int _pass;
    private string? _scratch;

    internal OperationRun(Operation operation, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions options, string? runFolder, bool reattaching)
    {
        _operation = operation;
        Inputs = inputs;
        Outputs = outputs;
        Options = options;
        _runFolder = runFolder;
        _reattaching = reattaching;
    }

    /// <summary>The inputs, in the operation's order.</summary>
    public IReadOnlyList<ISource> Inputs { get; }

    /// <summary>The outputs, created or opened as the executor planned them.</summary>
    public IReadOnlyList<ISource> Outputs { get; }

    /// <summary>Backend, workers, block shape (always set), ROI, mask and block ids of the run.</summary>
    public RunOptions Options { get; }

    /// <summary>The pass running now, as progress and failures name it (e.g. "label: pass 2/3 (seams)").</summary>
    public string CurrentPass => PassLabel(Math.Max(_pass, 1));

    /// <summary>
    /// A folder for data between passes (block shells, label tables): inside the run folder of a distributed run, so it
    /// is kept with it for a resume; a private folder under the temp root otherwise. Deleted when the run succeeds.
    /// </summary>
    public string Scratch
    {
        get
        {
            if (_scratch is null)
            {
                if (_runFolder is not null)
                {
                    _scratch = Directory.CreateDirectory(Path.Combine(_runFolder, "scratch")).FullName;
                }
                else
                {
                    _scratch = FolderSecurity.CreatePrivateFolder(Options.EffectiveTmpRoot, "bioimage_scratch_");
                    LocalScratch = _scratch;
                }
            }

            return _scratch;
        }
    }

    /// <summary>The scratch folder created outside a run folder (local runs), for the executor to delete.</summary>
    internal string? LocalScratch { get; private set; }

    /// <summary>Runs an output-writing pass.</summary>
    public void Blocks(BlockOperation step, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions? options = null) =>
        Pass(step, inputs, outputs, options, itemCount: null);

    /// <summary>Runs a reduce pass (which may also write outputs) and returns its per-block results in block-id order.</summary>
    public IReadOnlyList<BlockResult<TResult>> Reduce<TResult>(ReduceOperation<TResult> step, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource>? outputs = null, RunOptions? options = null) =>
        Runner.Collect<TResult>(Pass(step, inputs, outputs ?? [], options, itemCount: null));

    /// <summary>Runs a pass over items 0 … <paramref name="itemCount"/> − 1 (or <see cref="RunOptions.BlockIds"/> of <paramref name="options"/>) and returns the results in item order.</summary>
    public IReadOnlyList<BlockResult<TResult>> Map<TResult>(MapOperation<TResult> step, long itemCount, RunOptions? options = null) =>
        Runner.Collect<TResult>(Pass(step, [], [], options, itemCount));

    /// <summary>Counts a declared pass as done without running it (it has nothing to do, e.g. no block has labels to join).</summary>
    public void SkipPass() => _pass++;

    private Dictionary<long, object?> Pass(BlockStep step, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, RunOptions? options, long? itemCount)
    {
        ArgumentNullException.ThrowIfNull(step);
        int pass = ++_pass;
        if (pass > _operation.Passes.Count)
        {
            throw new InvalidOperationException($"{_operation.Name} ran pass {pass} but declares {_operation.Passes.Count} ({string.Join(", ", _operation.Passes)}).");
        }

        string label = PassLabel(pass);
        var given = options ?? Options;
        var progress = given.Progress;
        var passOptions = given with
        {
            ResumeFrom = null,
            Progress = progress is null ? null : new Progress(value => progress.Report(value with { Pass = label })),
        };
        if (_runFolder is null || given.JobType == JobType.Local)
        {
            return Runner.RunPass(step, inputs, outputs, passOptions, itemCount);
        }

        string folder = Path.Combine(_runFolder, "passes", pass.ToString(CultureInfo.InvariantCulture));
        string resultsPath = folder + ".json";
        if (File.Exists(resultsPath))
        {
            var saved = JsonSerializer.Deserialize(File.ReadAllBytes(resultsPath), Manifest.Json.Info<Dictionary<long, JsonElement>>()) ?? [];
            return saved.ToDictionary(r => r.Key, r => (object?)r.Value);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        var results = Runner.RunPass(step, inputs, outputs, passOptions with { PassFolder = folder, Reattaching = _reattaching }, itemCount);
        _reattaching = false;
        var json = results.ToDictionary(r => r.Key, r => r.Value is JsonElement element ? element : JsonSerializer.SerializeToElement(r.Value, Manifest.Json.Info(r.Value?.GetType() ?? typeof(object))));
        TaskFolder.WriteAtomically(resultsPath, JsonSerializer.SerializeToUtf8Bytes(json, Manifest.Json.Info<Dictionary<long, JsonElement>>()));
        Directory.Delete(folder, recursive: true); // only once its results are saved: a resume never reads a half-deleted pass
        return results;
    }

    private string PassLabel(int pass) =>
        _operation.Passes.Count == 1 ? _operation.Name : $"{_operation.Name}: pass {pass}/{_operation.Passes.Count} ({_operation.Passes[Math.Min(pass, _operation.Passes.Count) - 1]})";

    /// <summary>Forwards progress synchronously (System's Progress&lt;T&gt; posts to the thread pool and may reorder reports).</summary>
    private sealed class Progress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
