using System.Numerics;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Sources.Wrappers;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>downsample</c> (bioimage-py's downsample): blocks are in OUTPUT space; the target shape is the
/// ceil mode <c>s // f + (s % f != 0)</c> per axis. Without <see cref="Method"/> it copies the blocks of a
/// <see cref="ResizedSource"/> of the input, as bioimage-py does (output voxel o samples input position o·in/out,
/// spline order 0–5, optional anti-aliasing): each block reads exactly <see cref="ResizePlan.InputRegion"/> of its box,
/// so blocks equal the whole-volume resize bit for bit. With <see cref="Method"/> it pools each f-box (mean, max, min, mode) reading [begin·f, min(end·f, n)).
/// Order 0 and pooling keep the input's element type (exact, label-safe); orders ≥ 1 and anti-aliasing write float32
/// (float64 input stays float64). The input is not the runner's domain (its shape differs from the output's): local
/// runs pass it as <see cref="InputSource"/>, workers reopen it from <see cref="Input"/>.
/// </summary>
public sealed class DownsampleOperation : BlockOperation
{
    private ISource? _opened;
    private ResizedSource? _resized;

    /// <summary>The input, reopened by worker processes; null for an in-memory input run locally.</summary>
    public SourceSpec? Input { get; set; }

    /// <summary>The opened input (local runs; not serialized).</summary>
    [JsonIgnore]
    public ISource? InputSource { get; set; }

    /// <summary>The integer factor: one value for every axis, or one per axis; each ≥ 1.</summary>
    public int[] Factor { get; set; } = [2];

    /// <summary>Spline order 0 (nearest, default) to 5; ignored with <see cref="Method"/>.</summary>
    public int Order { get; set; }

    /// <summary>Gaussian anti-aliasing before sampling (skimage's σ = (in/out − 1)/2); ignored with <see cref="Method"/>.</summary>
    public bool AntiAliasing { get; set; }

    /// <summary>Pool instead of resampling.</summary>
    public PoolingMethod? Method { get; set; }

    /// <summary>A downsampling of <paramref name="input"/> (its spec travels to workers when it has one).</summary>
    public static DownsampleOperation For(ISource input, int[] factor, int order = 0, bool antiAliasing = false, PoolingMethod? method = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var operation = new DownsampleOperation { Input = input.Spec, InputSource = input, Factor = factor, Order = order, AntiAliasing = antiAliasing, Method = method };
        operation.Validate(input.Shape.Count);
        return operation;
    }

    /// <summary>The ceil-mode target shape: <c>s // f + (s % f != 0)</c> per axis.</summary>
    public long[] OutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        Validate(inputShape.Count);
        var factors = Factors(inputShape.Count);
        return [.. inputShape.Select((extent, axis) => (extent / factors[axis]) + (extent % factors[axis] != 0 ? 1 : 0))];
    }

    /// <summary>The output element type for an input of <paramref name="input"/>.</summary>
    public DType OutputDType(DType input) => Method is not null || (Order == 0 && !AntiAliasing) ? input : BlockData.WorkingType(input);

    /// <summary>Throws unless the parameters fit data of <paramref name="rank"/> axes.</summary>
    public void Validate(int rank)
    {
        if (rank is < 1 or > 3)
        {
            throw new ArgumentException($"downsample needs 1D to 3D data; the input has {rank} axes.", nameof(rank));
        }

        _ = Factors(rank);
        if (Order is < 0 or > 5)
        {
            throw new ArgumentException($"The spline order (Order) must be 0 to 5; got {Order}.");
        }

        if (Method is { } method && !Enum.IsDefined(method))
        {
            throw new ArgumentException($"Unknown pooling method {method}; use mean, max, min or mode.");
        }
    }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var input = OpenInput();
        var inner = block.Block.Inner;
        if (Method is { } method)
        {
            input.DType.Dispatch(new PoolBlock(input, block.Outputs[0], inner, Factors(inner.Rank), method));
            return;
        }

        Resized(input).DType.Dispatch(new CopyRegion(Resized(input), block.Outputs[0], inner));
    }

    private ISource OpenInput() =>
        InputSource ?? LazyInitializer.EnsureInitialized(ref _opened, () => Source.Open(Input ?? throw new InvalidOperationException("DownsampleOperation needs its Input (spec) or InputSource.")));

    private ResizedSource Resized(ISource input) =>
        LazyInitializer.EnsureInitialized(ref _resized, () => new ResizedSource(input, OutputShape(input.Shape), Order, AntiAliasing));

    private int[] Factors(int rank)
    {
        if (Factor is null || (Factor.Length != 1 && Factor.Length != rank) || Factor.Any(f => f < 1))
        {
            throw new ArgumentException($"The downsampling factor needs one value or {rank} (one per axis), each at least 1; got [{string.Join(", ", Factor ?? [])}].");
        }

        return Factor.Length == 1 ? [.. Enumerable.Repeat(Factor[0], rank)] : Factor;
    }

    /// <summary>Reads a region of the resized input in its element type and writes it to the output.</summary>
    private sealed class CopyRegion(ISource resized, ISource output, Region inner) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var result = BlockData.Read<T>(resized, inner);
            BlockData.Write(output, inner, result);
            return true;
        }
    }

    private sealed class PoolBlock(ISource input, ISource output, Region inner, int[] factors, PoolingMethod method) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var begin = new long[inner.Rank];
            var end = new long[inner.Rank];
            for (int axis = 0; axis < inner.Rank; axis++)
            {
                begin[axis] = inner.Begin[axis] * factors[axis];
                end[axis] = Math.Min(inner.End[axis] * factors[axis], input.Shape[axis]);
            }

            using var data = BlockData.Read<T>(input, new Region(begin, end));
            using var result = NdArray<T>.Allocate(inner.GetShapeAsInt32(), clear: false);
            long[] padded = [.. factors.Select(f => (long)f)];
            Resampling.Pool(BlockData.Folded(data), BlockData.Folded(result), BlockData.Pad(padded, fill: 1), method);
            BlockData.Write(output, inner, result);
            return true;
        }
    }
}
