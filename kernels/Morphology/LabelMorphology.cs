using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Per-label voxel count, exact coordinate sums and bounding box of a label image — the sufficient statistics of
/// bioimage-py's <c>morphology</c> table (size, centre of mass = sums / count, bounding box) for one block.
/// </summary>
/// <remarks>
/// <para>
/// One pass over the rows. A row is cut into runs of equal labels (<see cref="EqualRuns"/>, a vectorized scan), and a
/// run of length L of label l starting at column x in row (z, y) updates l's entry once: count += L,
/// Σx += L·x + L(L−1)/2, Σy += L·y, Σz += L·z, and the box grows to hold [x, x + L). Label 0 (background) is skipped.
/// The entry of a label is found through a dense slot table indexed by <c>label − min</c> when the label range is
/// small (at most <see cref="DenseRange"/> or the voxel count), else through a hash map; the previous run's label
/// is remembered, so alternating background and object runs cost one compare. O(voxels / run length + runs) time,
/// memory O(labels) (plus the slot table of the dense case).
/// </para>
/// <para>
/// Sums are exact 64-bit integers of block-local coordinates: a view has fewer than 2³¹ voxels and every coordinate
/// is below 2³¹, so no sum exceeds 2⁶². Rows are split across threads, each with its own entries, merged at the end;
/// the result does not depend on the thread count. Negative labels (signed dtypes) are measured like any other.
/// </para>
/// </remarks>
public static class LabelMorphology
{
    /// <summary>Largest label range measured through a dense slot table regardless of the image size (16 MiB of slots).</summary>
    private const int DenseRange = 1 << 22;

    /// <summary>The statistics of every nonzero label of <paramref name="labels"/>, sorted by label.</summary>
    /// <param name="labels">An integer label image (block-local coordinates: z, y, x from 0).</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1); the result does not depend on it.</param>
    public static unsafe (T[] Labels, LabelRegion[] Regions) Measure<T>(ReadOnlySpan3D<T> labels, int degreeOfParallelism = 1)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        if (labels.IsEmpty)
        {
            return ([], []);
        }

        fixed (T* origin = &Unsafe.AsRef(in labels.DangerousGetReferenceAt(0, 0, 0)))
        {
            var view = new PinnedView<T>(origin, labels.Layout);
            var layout = view.Layout;
            int rows = layout.Depth * layout.Height;
            var (min, max) = Moments.MinMax(view, degreeOfParallelism);
            ulong range = ulong.CreateTruncating(max) - ulong.CreateTruncating(min);
            bool dense = range < (ulong)Math.Max(DenseRange, labels.Count);
            var parts = new Accumulator<T>[ParallelChunks.Count(rows, degreeOfParallelism)];
            try
            {
                ParallelChunks.For(rows, degreeOfParallelism, (chunk, first, end) =>
                {
                    var accumulator = parts[chunk] = new Accumulator<T>(dense ? min : null, dense ? (int)range + 1 : 0);
                    for (int row = first; row < end; row++)
                    {
                        int z = row / layout.Height;
                        accumulator.AddRow(view.GetRowSpan(row), z, row - (z * layout.Height));
                    }
                });

                return Merge(parts);
            }
            finally
            {
                foreach (var part in parts)
                {
                    part?.Dispose();
                }
            }
        }
    }

    /// <summary>The entries of every thread's rows united by label and sorted: the sorted parts merged pairwise.</summary>
    private static (T[] Labels, LabelRegion[] Regions) Merge<T>(Accumulator<T>[] parts)
        where T : unmanaged, IBinaryInteger<T>
    {
        var merged = parts[0].Sorted();
        for (int i = 1; i < parts.Length; i++)
        {
            merged = MergeTwo(merged, parts[i].Sorted());
        }

        return merged;
    }

    /// <summary>The union of two label-sorted tables in one linear pass; a label in both gets the union of its statistics.</summary>
    private static (T[] Labels, LabelRegion[] Regions) MergeTwo<T>((T[] Labels, LabelRegion[] Regions) left, (T[] Labels, LabelRegion[] Regions) right)
        where T : unmanaged, IBinaryInteger<T>
    {
        int capacity = left.Labels.Length + right.Labels.Length;
        var labels = new T[capacity];
        var regions = new LabelRegion[capacity];
        int i = 0, j = 0, k = 0;
        for (; i < left.Labels.Length || j < right.Labels.Length; k++)
        {
            int order = i == left.Labels.Length ? 1 : j == right.Labels.Length ? -1 : left.Labels[i].CompareTo(right.Labels[j]);
            if (order == 0)
            {
                (labels[k], regions[k]) = (left.Labels[i], left.Regions[i++].Union(right.Regions[j++]));
            }
            else if (order < 0)
            {
                (labels[k], regions[k]) = (left.Labels[i], left.Regions[i++]);
            }
            else
            {
                (labels[k], regions[k]) = (right.Labels[j], right.Regions[j++]);
            }
        }

        return (labels[..k], regions[..k]);
    }

    /// <summary>One thread's entries: a slot per label, found through a dense table or a hash map.</summary>
    private sealed class Accumulator<T> : IDisposable
        where T : unmanaged, IBinaryInteger<T>
    {
        private readonly T _origin;
        private readonly int[]? _slotOf;
        private readonly Dictionary<T, int>? _map;
        private T[] _labels = ArrayPool<T>.Shared.Rent(64);
        private Entry[] _entries = ArrayPool<Entry>.Shared.Rent(64);
        private int _count;

        /// <summary>A dense slot table over [origin, origin + range) when <paramref name="origin"/> is given, else a hash map.</summary>
        public Accumulator(T? origin, int range)
        {
            if (origin is { } value)
            {
                _origin = value;
                _slotOf = ArrayPool<int>.Shared.Rent(range);
                _slotOf.AsSpan(0, range).Fill(-1);
            }
            else
            {
                _map = [];
            }
        }

        /// <summary>Adds the runs of one row (z, y).</summary>
        public void AddRow(ReadOnlySpan<T> row, int z, int y)
        {
            T previous = T.Zero;
            int slot = -1;
            for (int x = 0; x < row.Length;)
            {
                T label = row[x];
                int run = EqualRuns.Length(row, x);
                if (label != T.Zero)
                {
                    if (slot < 0 || label != previous)
                    {
                        slot = SlotOf(label);
                        previous = label;
                    }

                    _entries[slot].Add(z, y, x, run);
                }

                x += run;
            }
        }

        public (T[] Labels, LabelRegion[] Regions) Sorted()
        {
            var labels = _labels.AsSpan(0, _count).ToArray();
            var regions = new LabelRegion[_count];
            for (int i = 0; i < _count; i++)
            {
                regions[i] = _entries[i].ToRegion();
            }

            Array.Sort(labels, regions); // slots are numbered in order of first appearance
            return (labels, regions);
        }

        public void Dispose()
        {
            PooledArrays.Return(ref _labels);
            PooledArrays.Return(ref _entries);
            if (_slotOf is not null)
            {
                ArrayPool<int>.Shared.Return(_slotOf);
            }
        }

        private int SlotOf(T label)
        {
            if (_slotOf is not null)
            {
                ref int dense = ref _slotOf[int.CreateTruncating(label - _origin)];
                if (dense < 0)
                {
                    dense = NewSlot(label);
                }

                return dense;
            }

            ref int mapped = ref CollectionsMarshal.GetValueRefOrAddDefault(_map!, label, out bool exists);
            if (!exists)
            {
                mapped = NewSlot(label);
            }

            return mapped;
        }

        private int NewSlot(T label)
        {
            if (_count == _entries.Length || _count == _labels.Length)
            {
                PooledArrays.Grow(ref _labels, _count, _count * 2);
                PooledArrays.Grow(ref _entries, _count, _count * 2);
            }

            _labels[_count] = label;
            _entries[_count] = Entry.Empty;
            return _count++;
        }
    }

    /// <summary>The running statistics of one label.</summary>
    private struct Entry
    {
        public static readonly Entry Empty = new()
        {
            MinZ = int.MaxValue, MinY = int.MaxValue, MinX = int.MaxValue,
            MaxZ = int.MinValue, MaxY = int.MinValue, MaxX = int.MinValue,
        };

        public long Count;
        public long SumZ;
        public long SumY;
        public long SumX;
        public int MinZ;
        public int MinY;
        public int MinX;
        public int MaxZ;
        public int MaxY;
        public int MaxX;

        /// <summary>Adds the run [x, x + length) of row (z, y).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int z, int y, int x, int length)
        {
            Count += length;
            SumZ += (long)length * z;
            SumY += (long)length * y;
            SumX += ((long)length * x) + ((long)length * (length - 1) / 2);
            MinZ = Math.Min(MinZ, z);
            MaxZ = Math.Max(MaxZ, z);
            MinY = Math.Min(MinY, y);
            MaxY = Math.Max(MaxY, y);
            MinX = Math.Min(MinX, x);
            MaxX = Math.Max(MaxX, x + length - 1);
        }

        public readonly LabelRegion ToRegion() => new(Count, SumZ, SumY, SumX, MinZ, MinY, MinX, MaxZ, MaxY, MaxX);
    }
}

/// <summary>The statistics of one label in block-local coordinates: voxel count, coordinate sums and inclusive bounding box.</summary>
/// <param name="Count">Voxels with the label.</param>
/// <param name="SumZ">Σ z over those voxels.</param>
/// <param name="SumY">Σ y.</param>
/// <param name="SumX">Σ x.</param>
/// <param name="MinZ">Smallest z.</param>
/// <param name="MinY">Smallest y.</param>
/// <param name="MinX">Smallest x.</param>
/// <param name="MaxZ">Largest z (inclusive).</param>
/// <param name="MaxY">Largest y (inclusive).</param>
/// <param name="MaxX">Largest x (inclusive).</param>
public readonly record struct LabelRegion(long Count, long SumZ, long SumY, long SumX, int MinZ, int MinY, int MinX, int MaxZ, int MaxY, int MaxX)
{
    /// <summary>The statistics of the voxels of both.</summary>
    public LabelRegion Union(LabelRegion other) => new(
        Count + other.Count, SumZ + other.SumZ, SumY + other.SumY, SumX + other.SumX,
        Math.Min(MinZ, other.MinZ), Math.Min(MinY, other.MinY), Math.Min(MinX, other.MinX),
        Math.Max(MaxZ, other.MaxZ), Math.Max(MaxY, other.MaxY), Math.Max(MaxX, other.MaxX));
}
