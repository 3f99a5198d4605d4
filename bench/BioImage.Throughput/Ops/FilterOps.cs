using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// The Gaussian filter family of <see cref="GaussianFilters"/> on float32 at σ = 2 with the mirror border (vigra's
/// only border, scipy's <c>mode="mirror"</c>), into reused outputs; the peers are vigra (the reference,
/// <c>window_size=4</c> so that its radius is scipy's 4σ) and scipy.ndimage / scikit-image where they have the op.
/// The output array is compared element-wise with each peer's (bench/peers.py states each peer's tolerance).
/// </summary>
/// <param name="name">The op's name in both registries.</param>
/// <param name="channels">Output channels (eigenvalues: 3, largest first).</param>
/// <param name="parameters">What the peer needs beyond σ and the mode.</param>
/// <param name="run">The filter: input, one output per channel, threads.</param>
internal sealed class FilterOp(string name, int channels, IReadOnlyDictionary<string, object> parameters, FilterOp.Filter run) : ThroughputOp
{
    /// <summary>σ of every filter (the inner scale of the structure tensor, the low σ of the difference of Gaussians).</summary>
    public const double Sigma = 2;

    /// <summary>The structure tensor's outer scale: σ, as bioimage-py's tests use it.</summary>
    public const double OuterSigma = 2;

    /// <summary>The difference of Gaussians' high σ: scikit-image's default 1.6 · σ.</summary>
    public const double HighSigma = 1.6 * Sigma;

    /// <summary>Runs a filter from the input into the channel outputs on that many threads.</summary>
    public delegate void Filter(ReadOnlyMemory3D<float> input, ReadOnlySpan<Memory3D<float>> outputs, int threads);

    private static readonly FilterOptions Options = new(AxisScales.Isotropic(Sigma), Mode: BorderMode.Mirror);

    /// <summary>The six filters, in table order.</summary>
    public static IReadOnlyList<FilterOp> All { get; } =
    [
        new("gaussian-smoothing", 1, Extra(), (input, outputs, threads) => GaussianFilters.GaussianSmoothing(input, outputs[0], Options, degreeOfParallelism: threads)),
        new("gaussian-gradient-magnitude", 1, Extra(), (input, outputs, threads) => GaussianFilters.GaussianGradientMagnitude(input, outputs[0], Options, degreeOfParallelism: threads)),
        new("laplacian-of-gaussian", 1, Extra(), (input, outputs, threads) => GaussianFilters.LaplacianOfGaussian(input, outputs[0], Options, degreeOfParallelism: threads)),
        new("hessian-of-gaussian-eigenvalues", 3, Extra(), (input, outputs, threads) => GaussianFilters.HessianOfGaussianEigenvalues(input, outputs, Options, degreeOfParallelism: threads)),
        new("structure-tensor-eigenvalues", 3, Extra(("outer_sigma", OuterSigma)), (input, outputs, threads) =>
            GaussianFilters.StructureTensorEigenvalues(input, outputs, Options, AxisScales.Isotropic(OuterSigma), degreeOfParallelism: threads)),
        new("difference-of-gaussians", 1, Extra(("high_sigma", HighSigma)), (input, outputs, threads) =>
            GaussianFilters.DifferenceOfGaussians(input, outputs[0], Options, AxisScales.Isotropic(HighSigma), degreeOfParallelism: threads)),
    ];

    public override string Name => name;

    private int Channels { get; } = channels;

    private Filter Apply { get; } = run;

    public override IReadOnlyList<DType> DTypes => [DType.Float32];

    public override int BytesPerVoxel(int itemSize) => itemSize * (1 + Channels);

    public override IReadOnlyDictionary<string, object> Parameters(IReadOnlyList<int> shape) => parameters;

    public override IPreparedOp Prepare<T>(OpInput<T> input) =>
        input.Volume is NdArray<float> volume
            ? new Prepared(this, volume, input.WorkDir)
            : throw new ArgumentException($"{name} runs on float32 only; got {typeof(T).Name}.", nameof(input));

    private static Dictionary<string, object> Extra(params (string Key, object Value)[] extra)
    {
        var all = new Dictionary<string, object> { ["sigma"] = Sigma, ["mode"] = "mirror" };
        foreach (var (key, value) in extra)
        {
            all[key] = value;
        }

        return all;
    }

    private sealed class Prepared : IPreparedOp
    {
        private readonly FilterOp _op;
        private readonly ReadOnlyMemory3D<float> _input;
        private readonly NdArray<float> _output;
        private readonly Memory3D<float>[] _channels;
        private readonly string _workDir;

        public Prepared(FilterOp op, NdArray<float> volume, string workDir)
        {
            _op = op;
            _workDir = workDir;
            int depth = volume.Shape[0], height = volume.Shape[1], width = volume.Shape[2];
            _input = new ReadOnlyMemory3D<float>(volume.Memory, depth, height, width);
            _output = NdArray<float>.Allocate(op.Channels == 1 ? volume.Shape : [op.Channels, .. volume.Shape]);
            _channels = [.. Enumerable.Range(0, op.Channels).Select(c => new Memory3D<float>(_output.Memory.Slice(c * volume.Length, volume.Length), depth, height, width))];
            Voxels = volume.Length;
        }

        public long Voxels { get; }

        public void Run(int threads) => _op.Apply(_input, _channels, threads);

        public IReadOnlyDictionary<string, object> Result() => new Dictionary<string, object> { ["output"] = SavedOutput.Of(_output, _workDir, _op.Name) };

        public void Dispose() => _output.Dispose();
    }

}
