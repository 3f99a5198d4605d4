using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Views;

public class Span3DTests
{
    private static int[] Iota(int n) => Enumerable.Range(0, n).ToArray();

    [Fact]
    public void Contiguous_view_indexes_in_C_order()
    {
        var data = Iota(2 * 3 * 4);
        var view = new Span3D<int>(data, 2, 3, 4);
        Assert.Equal(2 * 3 * 4, view.Count);
        Assert.True(view.IsContiguous);
        for (int z = 0; z < 2; z++)
        {
            for (int y = 0; y < 3; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    Assert.Equal((z * 12) + (y * 4) + x, view[z, y, x]);
                }
            }
        }
    }

    [Fact]
    public void Slice_is_a_strided_window_that_writes_through()
    {
        var data = Iota(5 * 6 * 7);
        var view = new Span3D<int>(data, 5, 6, 7);
        var roi = view.Slice(1, 2, 3, 3, 2, 4);
        Assert.Equal((3, 2, 4), (roi.Depth, roi.Height, roi.Width));
        Assert.Equal((42, 7), (roi.StrideZ, roi.StrideY));
        Assert.False(roi.IsContiguous);
        Assert.False(roi.TryGetSpan(out _));
        Assert.Equal(view[3, 3, 5], roi[2, 1, 2]);
        Assert.Equal(new[] { view[2, 3, 3], view[2, 3, 4], view[2, 3, 5], view[2, 3, 6] }, roi.GetRowSpan(1, 1).ToArray());

        roi.Fill(-1);
        Assert.Equal(3 * 2 * 4, data.Count(v => v == -1));
        Assert.Equal(-1, view[1, 2, 3]);
        Assert.Equal(-1, view[3, 3, 6]);
        Assert.NotEqual(-1, view[1, 2, 2]);
        Assert.NotEqual(-1, view[4, 3, 6]);
    }

    [Fact]
    public void Slice_of_a_slice_composes_offsets()
    {
        var data = Iota(6 * 6 * 6);
        var view = new Span3D<int>(data, 6, 6, 6);
        var inner = view.Slice(1, 1, 1, 4, 4, 4).Slice(1, 2, 3, 2, 2, 1);
        Assert.Equal(view[2, 3, 4], inner[0, 0, 0]);
        Assert.Equal(view[3, 4, 4], inner[1, 1, 0]);
    }

    [Fact]
    public void Explicit_strides_with_row_padding()
    {
        // 2 planes of 3 rows of 4 elements; rows padded to 5, planes padded to 16.
        var data = new int[16 + 15];
        var view = new Span3D<int>(data, 2, 3, 4, strideZ: 16, strideY: 5);
        view.Fill(7);
        Assert.Equal(2 * 3 * 4, data.Count(v => v == 7));
        Assert.Equal(0, data[4]);
        Assert.Equal(7, data[16 + 10 + 3]);
    }

    [Theory]
    [InlineData(3, 0, 0)]
    [InlineData(0, 4, 0)]
    [InlineData(0, 0, 5)]
    [InlineData(-1, 0, 0)]
    public void Index_outside_the_shape_throws_even_inside_the_span(int z, int y, int x)
    {
        var data = Iota(100);
        var view = new Span3D<int>(data, 3, 4, 5);
        try
        {
            _ = view[z, y, x];
            Assert.Fail("expected an exception");
        }
        catch (ArgumentOutOfRangeException exception)
        {
            Assert.Contains("outside the view", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Too_short_span_and_overlapping_strides_are_rejected()
    {
        var data = new int[10];
        Assert.Throws<ArgumentException>(() => new Span3D<int>(data, 2, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Span3D<int>(new int[100], 2, 3, 4, strideZ: 16, strideY: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Span3D<int>(new int[100], 2, 3, 4, strideZ: 10, strideY: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Span3D<int>(data, 1, 1, 4).Slice(0, 0, 2, 1, 1, 3));
    }

    [Fact]
    public void Empty_views_are_fine()
    {
        var view = new Span3D<int>([], 0, 5, 5);
        Assert.True(view.IsEmpty);
        view.Fill(1);
        var slice = new Span3D<int>(Iota(27), 3, 3, 3).Slice(3, 0, 0, 0, 3, 3);
        Assert.Equal(0, slice.Count);
    }

    [Fact]
    public void CopyTo_copies_between_strided_views_and_checks_shape()
    {
        var source = Iota(4 * 5 * 6);
        var target = new int[4 * 5 * 6];
        var from = new Span3D<int>(source, 4, 5, 6).Slice(1, 1, 1, 2, 3, 4);
        var to = new Span3D<int>(target, 4, 5, 6).Slice(2, 0, 2, 2, 3, 4);
        from.CopyTo(to);
        Assert.Equal(source[(1 * 30) + (1 * 6) + 1], target[(2 * 30) + 2]);
        Assert.Equal(source[(2 * 30) + (3 * 6) + 4], target[(3 * 30) + (2 * 6) + 5]);
        Assert.Equal(2 * 3 * 4, target.Count(v => v != 0));
        Assert.Throws<ArgumentException>(() => new Span3D<int>(source, 4, 5, 6).Slice(0, 0, 0, 2, 2, 2).CopyTo(new Span3D<int>(target, 4, 5, 6).Slice(0, 0, 0, 2, 2, 3)));
    }

    [Fact]
    public void Planes_and_2D_views_share_the_memory()
    {
        var data = Iota(3 * 4 * 5);
        var view = new Span3D<int>(data, 3, 4, 5);
        var plane = view.GetPlane(2);
        Assert.Equal((4, 5, 5), (plane.Height, plane.Width, plane.Stride));
        Assert.Equal(view[2, 3, 4], plane[3, 4]);
        plane.Slice(1, 1, 2, 2).AsSpan3D().Fill(-5);
        Assert.Equal(-5, view[2, 2, 2]);
        Assert.Equal(4, data.Count(v => v == -5));

        var padded = new Span2D<int>(new int[(2 * 8) + 3], 3, 3, 8);
        Assert.Equal(8, padded.Stride);
        padded[2, 2] = 9;
        ReadOnlySpan2D<int> readOnly = padded;
        Assert.Equal(9, readOnly[2, 2]);
        Assert.Equal(9, readOnly.GetRowSpan(2)[2]);
    }

    [Fact]
    public void Read_only_view_matches_the_mutable_one()
    {
        var data = Iota(2 * 3 * 4);
        var view = new Span3D<int>(data, 2, 3, 4).Slice(0, 1, 1, 2, 2, 3);
        ReadOnlySpan3D<int> readOnly = view;
        Assert.Equal(view.Count, readOnly.Count);
        Assert.Equal(view[1, 1, 2], readOnly[1, 1, 2]);
        Assert.Equal(view.DangerousGetReferenceAt(1, 0, 1), readOnly.DangerousGetReferenceAt(1, 0, 1));
        Assert.Equal(readOnly.GetPlane(1)[1, 2], view[1, 1, 2]);
    }
}
