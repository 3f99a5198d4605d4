using System.Numerics;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Operations;

/// <summary>
/// Block step of <see cref="Relabeling"/>: maps every voxel of the input block through an old → new label mapping
/// (<see cref="LabelMap{TIn, TOut}"/>, bioimage-cpp's <c>take_dict</c>) and writes the output block. With a mask only
/// voxels inside it are remapped; the output keeps its previous value elsewhere. Every label met must be a key.
/// </summary>
/// <remarks>
/// The mapping is sorted keys of the input's element type and values of the output's. Local runs hand it over in
/// memory (<see cref="SetMapping{TIn, TOut}"/>); worker processes load it once per process from
/// <see cref="MappingFolder"/> (<c>keys.npy</c>, <c>values.npy</c>), which <see cref="Save"/> writes. The prepared
/// map is shared by all blocks (O(k) to prepare, then one pass per block).
/// </remarks>
public sealed class RelabelOperation : BlockOperation, IDisposable
{
    private const string KeysFile = "keys.npy";
    private const string ValuesFile = "values.npy";
    private readonly Lock _gate = new();
    private object? _prepared;
    private Action<string>? _save;
    private string _types = "none";

    /// <summary>Folder holding the mapping as <c>keys.npy</c> and <c>values.npy</c>, for worker processes.</summary>
    public string? MappingFolder { get; set; }

    /// <summary>How many labels the in-memory mapping has (0 before <see cref="SetMapping{TIn, TOut}"/>).</summary>
    [JsonIgnore]
    public int Count { get; private set; }

    /// <summary>Sets the mapping <c>keys[i] → values[i]</c> (keys sorted increasing and distinct).</summary>
    /// <exception cref="ArgumentException">The lengths differ or the keys are not sorted and distinct.</exception>
    public void SetMapping<TIn, TOut>(TIn[] keys, TOut[] values)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        var prepared = new LabelMap<TIn, TOut>(keys, values);
        Dispose();
        _prepared = prepared;
        Count = keys.Length;
        _types = $"{typeof(TIn).Name} → {typeof(TOut).Name}";
        _save = folder =>
        {
            NpyFile.Write(Path.Combine(folder, KeysFile), NdArray<TIn>.Wrap(keys, [keys.Length]));
            NpyFile.Write(Path.Combine(folder, ValuesFile), NdArray<TOut>.Wrap(values, [values.Length]));
        };
    }

    /// <summary>Writes the mapping to <paramref name="folder"/> (created) and points <see cref="MappingFolder"/> at it.</summary>
    public void Save(string folder)
    {
        var save = _save ?? throw new InvalidOperationException("Set the mapping before saving it.");
        Directory.CreateDirectory(folder);
        save(folder);
        MappingFolder = folder;
    }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Inputs[0].DType.DispatchInteger(new ReadBlock(this, block), "relabel's input");
    }

    /// <summary>Returns the prepared map's pooled memory.</summary>
    public void Dispose()
    {
        (_prepared as IDisposable)?.Dispose();
        _prepared = null;
    }

    private LabelMap<TIn, TOut> Prepared<TIn, TOut>()
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        if (Volatile.Read(ref _prepared) is null)
        {
            lock (_gate)
            {
                if (_prepared is null)
                {
                    string folder = MappingFolder ?? throw new InvalidOperationException("RelabelOperation has no mapping: call SetMapping (local runs) or set MappingFolder.");
                    using var keys = NpyFile.Read<TIn>(Path.Combine(folder, KeysFile));
                    using var values = NpyFile.Read<TOut>(Path.Combine(folder, ValuesFile));
                    SetMapping(keys.ToArray(), values.ToArray());
                }
            }
        }

        return _prepared as LabelMap<TIn, TOut>
            ?? throw new ArgumentException($"The mapping's types ({_types}) differ from the input's and output's element types ({typeof(TIn).Name} → {typeof(TOut).Name}).");
    }

    private sealed class ReadBlock(RelabelOperation operation, BlockContext block) : IIntegerDTypeFunc<bool>
    {
        public bool Invoke<TIn>()
            where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn> =>
            block.Outputs[0].DType.DispatchInteger(new WriteBlock<TIn>(operation, block), "relabel's output");
    }

    private sealed class WriteBlock<TIn>(RelabelOperation operation, BlockContext block) : IIntegerDTypeFunc<bool>
        where TIn : unmanaged, IBinaryInteger<TIn>
    {
        public bool Invoke<TOut>()
            where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
        {
            var map = operation.Prepared<TIn, TOut>();
            var region = block.Block.Inner;
            using var labels = BlockData.Read<TIn>(block.Inputs[0], region);
            using var result = block.Mask is null ? NdArray<TOut>.Allocate(labels.Shape, clear: false) : BlockData.Read<TOut>(block.Outputs[0], region);
            var inside = block.Mask is null ? null : MaskFlags.Read(block.Mask, region);
            var source = BlockData.Folded(labels);
            var mask = inside is null ? default : new ReadOnlySpan3D<bool>(inside, source.Depth, source.Height, source.Width);
            map.Apply(source.Span, BlockData.Folded(result).Span, mask);
            BlockData.Write(block.Outputs[0], region, result);
            return true;
        }
    }
}
