using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// zarr v3 <c>transpose</c> (array→array): permutes the chunk's axes; encoded axis i is decoded axis
/// <c>Order[i]</c>. zarr v2's <c>order: "F"</c> is this codec with the reversed axis order. O(n) element moves.
/// </summary>
public sealed class TransposeCodec : IArrayToArrayCodec
{
    private readonly int[] _order;

    /// <summary>A transpose by the permutation <paramref name="order"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of 0..n-1.</exception>
    public TransposeCodec(IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        _order = [.. order];
        if (!_order.Order().SequenceEqual(Enumerable.Range(0, _order.Length)))
        {
            throw new ArgumentException($"transpose order [{string.Join(", ", _order)}] is not a permutation of 0..{_order.Length - 1}.", nameof(order));
        }
    }

    /// <summary>The permutation.</summary>
    public IReadOnlyList<int> Order => _order;

    /// <summary>The transpose that zarr v2's Fortran order means for a chunk of <paramref name="rank"/> axes.</summary>
    public static TransposeCodec FortranOrder(int rank) => new(Enumerable.Range(0, rank).Reverse().ToArray());

    /// <inheritdoc />
    public string Name => "transpose";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["order"] = new JsonArray([.. _order.Select(o => (JsonNode)o)]) } };

    /// <inheritdoc />
    public ChunkSpec Resolve(ChunkSpec decoded)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        CheckRank(decoded);
        return decoded with { Shape = _order.Select(axis => decoded.Shape[axis]).ToArray() };
    }

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec) => Permute(decoded, encoded, spec, gather: true);

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec) => Permute(encoded, decoded, spec, gather: false);

    /// <summary>
    /// Walks the encoded array in C order; its axis i steps through the decoded array by the stride of decoded axis
    /// order[i]. Gathering writes the encoded side contiguously, scattering reads it contiguously.
    /// </summary>
    private void Permute(ReadOnlySpan<byte> source, Span<byte> destination, ChunkSpec spec, bool gather)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckRank(spec);
        var decodedStrides = Strides(spec.Shape);
        var steps = _order.Select(axis => decodedStrides[axis]).ToArray();
        var shape = _order.Select(axis => spec.Shape[axis]).ToArray();
        Permute(source, destination, shape, steps, spec.ItemSize, gather);
    }

    private void CheckRank(ChunkSpec spec)
    {
        if (spec.Shape.Length != _order.Length)
        {
            throw new ArgumentException($"transpose order [{string.Join(", ", _order)}] has {_order.Length} axes but the chunk has {spec.Shape.Length}.", nameof(spec));
        }
    }

    private static long[] Strides(int[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        return strides;
    }

    /// <summary>
    /// Visits the C-order positions of <paramref name="shape"/>; the contiguous side is <paramref name="gather"/>'s
    /// destination (true) or source (false), the other side is addressed by <paramref name="steps"/>.
    /// </summary>
    private static void Permute(ReadOnlySpan<byte> source, Span<byte> destination, int[] shape, long[] steps, int itemSize, bool gather)
    {
        switch (itemSize)
        {
            case 1: Permute(source, destination, shape, steps, gather); break;
            case 2: Permute(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination), shape, steps, gather); break;
            case 4: Permute(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination), shape, steps, gather); break;
            case 8: Permute(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination), shape, steps, gather); break;
            default: throw new NotSupportedException($"Transposing {itemSize}-byte elements is not supported.");
        }
    }

    private static void Permute<T>(ReadOnlySpan<T> source, Span<T> destination, int[] shape, long[] steps, bool gather)
        where T : unmanaged
    {
        int rank = shape.Length;
        long count = shape.Aggregate(1L, (p, e) => p * e);
        if (count == 0)
        {
            return;
        }

        var index = new int[rank];
        long other = 0;
        int inner = rank == 0 ? 1 : shape[rank - 1];
        long innerStep = rank == 0 ? 0 : steps[rank - 1];
        for (long linear = 0; linear < count; linear += inner)
        {
            for (int x = 0; x < inner; x++)
            {
                if (gather)
                {
                    destination[(int)(linear + x)] = source[(int)(other + (x * innerStep))];
                }
                else
                {
                    destination[(int)(other + (x * innerStep))] = source[(int)(linear + x)];
                }
            }

            for (int axis = rank - 2; axis >= 0; axis--)
            {
                other += steps[axis];
                if (++index[axis] < shape[axis])
                {
                    break;
                }

                other -= steps[axis] * shape[axis];
                index[axis] = 0;
            }
        }
    }
}
