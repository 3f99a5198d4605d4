using System.Text;

namespace BioImage;

/// <summary>
/// An n-dimensional half-open box <c>[Begin, End)</c> in global voxel coordinates — the C# form of a tuple
/// of numpy slices with step 1. Immutable; equal when begin and end are equal.
/// </summary>
public sealed class Region : IEquatable<Region>
{
    private readonly long[] _begin;
    private readonly long[] _end;
    private readonly long[] _shape;

    /// <summary>The box <c>[begin, end)</c>; <paramref name="end"/> must not be below <paramref name="begin"/>.</summary>
    public Region(ReadOnlySpan<long> begin, ReadOnlySpan<long> end)
    {
        if (begin.Length != end.Length)
        {
            throw new ArgumentException($"begin has {begin.Length} axes but end has {end.Length}.", nameof(end));
        }

        _begin = begin.ToArray();
        _end = end.ToArray();
        _shape = new long[begin.Length];
        for (int axis = 0; axis < _begin.Length; axis++)
        {
            if (_begin[axis] < 0 || _end[axis] < _begin[axis])
            {
                throw new ArgumentException($"Axis {axis}: [{_begin[axis]}, {_end[axis]}) is not a valid range (need 0 ≤ begin ≤ end).", nameof(end));
            }

            _shape[axis] = _end[axis] - _begin[axis];
        }
    }

    /// <summary>The box <c>[0, shape)</c>.</summary>
    public static Region FromShape(ReadOnlySpan<long> shape) => new(new long[shape.Length], shape);

    /// <summary>The box of the given shape whose first corner is <paramref name="begin"/>.</summary>
    public static Region FromBeginAndShape(ReadOnlySpan<long> begin, ReadOnlySpan<long> shape)
    {
        var end = new long[begin.Length];
        for (int axis = 0; axis < end.Length; axis++)
        {
            end[axis] = begin[axis] + shape[axis];
        }

        return new Region(begin, end);
    }

    /// <summary>Number of axes.</summary>
    public int Rank => _begin.Length;

    /// <summary>First voxel, inclusive.</summary>
    public ReadOnlySpan<long> Begin => _begin;

    /// <summary>Last voxel + 1 along each axis, exclusive.</summary>
    public ReadOnlySpan<long> End => _end;

    /// <summary>Extent along each axis.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>Number of voxels in the box.</summary>
    public long VoxelCount
    {
        get
        {
            long count = 1;
            foreach (long extent in _shape)
            {
                count = checked(count * extent);
            }

            return count;
        }
    }

    /// <summary>True when some axis has extent 0.</summary>
    public bool IsEmpty => Array.IndexOf(_shape, 0L) >= 0;

    /// <summary>True when <paramref name="other"/> lies entirely inside this box.</summary>
    public bool Contains(Region other)
    {
        CheckRank(other);
        for (int axis = 0; axis < Rank; axis++)
        {
            if (other._begin[axis] < _begin[axis] || other._end[axis] > _end[axis])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The overlap of both boxes (empty when they do not overlap).</summary>
    public Region Intersect(Region other)
    {
        CheckRank(other);
        var begin = new long[Rank];
        var end = new long[Rank];
        for (int axis = 0; axis < Rank; axis++)
        {
            begin[axis] = Math.Max(_begin[axis], other._begin[axis]);
            end[axis] = Math.Max(begin[axis], Math.Min(_end[axis], other._end[axis]));
        }

        return new Region(begin, end);
    }

    /// <summary>This box in the coordinates of <paramref name="origin"/>'s first corner (it must contain this box).</summary>
    public Region RelativeTo(Region origin)
    {
        if (!origin.Contains(this))
        {
            throw new ArgumentException($"{this} is not inside {origin}.", nameof(origin));
        }

        var begin = new long[Rank];
        var end = new long[Rank];
        for (int axis = 0; axis < Rank; axis++)
        {
            begin[axis] = _begin[axis] - origin._begin[axis];
            end[axis] = _end[axis] - origin._begin[axis];
        }

        return new Region(begin, end);
    }

    /// <summary>The shape as <see cref="int"/>s, for in-memory buffers.</summary>
    /// <exception cref="OverflowException">An extent does not fit an <see cref="int"/>.</exception>
    public int[] GetShapeAsInt32() => Array.ConvertAll(_shape, extent => checked((int)extent));

    /// <inheritdoc />
    public bool Equals(Region? other) =>
        other is not null && _begin.AsSpan().SequenceEqual(other._begin) && _end.AsSpan().SequenceEqual(other._end);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Region);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long v in _begin)
        {
            hash.Add(v);
        }

        foreach (long v in _end)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <summary>numpy slice notation, e.g. <c>[0:64, 128:192, 5:7]</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int axis = 0; axis < Rank; axis++)
        {
            text.Append(axis == 0 ? string.Empty : ", ").Append(_begin[axis]).Append(':').Append(_end[axis]);
        }

        return text.Append(']').ToString();
    }

    private void CheckRank(Region other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Rank != Rank)
        {
            throw new ArgumentException($"Rank mismatch: {this} has {Rank} axes, {other} has {other.Rank}.", nameof(other));
        }
    }
}
