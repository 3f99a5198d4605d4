using BioImage.Kernels;
using BioImage.Operations;
using CommunityToolkit.HighPerformance.Buffers;

namespace BioImage.Filters.Sample;

/// <summary>
/// Sets every label below <see cref="Threshold"/> to 0 (background) inside the mask:
/// <c>np.where(mask &amp; (seg &lt; threshold), 0, seg)</c>. Run it with
/// <c>bioimage segmentation-filter seg.zarr out.zarr --assembly BioImage.Filters.Sample.dll --filter
/// BioImage.Filters.Sample.ZeroLabelsBelow --set Threshold=10</c>.
/// </summary>
public sealed class ZeroLabelsBelow : SegmentationFilter
{
    /// <summary>The smallest label kept.</summary>
    public long Threshold { get; set; }

    /// <inheritdoc />
    protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
    {
        // A threshold above the type's range removes every label (saturating it to T.MaxValue would keep T.MaxValue).
        var threshold = T.CreateSaturating(Threshold);
        bool removesAll = long.CreateSaturating(threshold) < Threshold;
        LabelFilters.Zero(labels, inside, label => removesAll || label < threshold);
    }
}

/// <summary>Filters declared inside a class, as users group them (the nested type travels as Outer+Nested).</summary>
public static class LabelFilters
{
    /// <summary>
    /// Keeps only the <see cref="Labels"/> (with <see cref="Invert"/>: removes only them) inside the mask:
    /// <c>np.where(mask &amp; (np.isin(seg, labels) == invert), 0, seg)</c>.
    /// </summary>
    public sealed class KeepLabels : SegmentationFilter
    {
        /// <summary>The labels kept.</summary>
        public long[] Labels { get; set; } = [];

        /// <summary>Remove the <see cref="Labels"/> instead of keeping them.</summary>
        public bool Invert { get; set; }

        /// <inheritdoc />
        protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
        {
            // The labels as the block's type, sorted in a pooled buffer (CommunityToolkit.HighPerformance: a package
            // of this library only, which the workers must find beside it) and looked up by binary search.
            // Labels the type cannot hold occur in no block of it and are left out.
            using var buffer = MemoryOwner<T>.Allocate(Labels.Length);
            int count = 0;
            foreach (long label in Labels)
            {
                var value = T.CreateSaturating(label);
                if (long.CreateSaturating(value) == label)
                {
                    buffer.Span[count++] = value;
                }
            }

            var memory = buffer.Memory[..count];
            memory.Span.Sort();
            LabelFilters.Zero(labels, inside, label => memory.Span.BinarySearch(label) >= 0 == Invert);
        }
    }

    /// <summary>A filter the command line refuses: workers cannot create it without arguments.</summary>
    public sealed class NeedsArguments(long threshold) : SegmentationFilter
    {
        /// <summary>The threshold.</summary>
        public long Threshold { get; } = threshold;

        /// <inheritdoc />
        protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
        {
            var limit = T.CreateSaturating(Threshold);
            Zero(labels, inside, label => label < limit);
        }
    }

    /// <summary>Sets the labels <paramref name="remove"/> selects to 0, inside the mask only (all voxels without one).</summary>
    internal static void Zero<T>(Span3D<T> labels, bool[]? inside, Func<T, bool> remove)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int i = 0;
        for (int z = 0; z < labels.Depth; z++)
        {
            for (int y = 0; y < labels.Height; y++)
            {
                foreach (ref T label in labels.GetRowSpan(z, y))
                {
                    if (inside?[i] != false && remove(label))
                    {
                        label = T.Zero;
                    }

                    i++;
                }
            }
        }
    }
}
