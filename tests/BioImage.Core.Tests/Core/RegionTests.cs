namespace BioImage.Core.Tests.Core;

public class RegionTests
{
    [Fact]
    public void Shape_count_and_text()
    {
        var region = new Region([1, 2, 3], [4, 2, 10]);
        Assert.Equal(3, region.Rank);
        Assert.Equal(new long[] { 3, 0, 7 }, region.Shape.ToArray());
        Assert.Equal(0, region.VoxelCount);
        Assert.True(region.IsEmpty);
        Assert.Equal("[1:4, 2:2, 3:10]", region.ToString());
        Assert.Equal(new[] { 3, 0, 7 }, region.GetShapeAsInt32());
    }

    [Fact]
    public void Intersect_contains_and_relative()
    {
        var a = new Region([0, 0], [10, 10]);
        var b = new Region([5, 8], [20, 9]);
        var overlap = a.Intersect(b);
        Assert.Equal(new Region([5, 8], [10, 9]), overlap);
        Assert.True(a.Contains(overlap));
        Assert.False(a.Contains(b));
        Assert.Equal(new Region([0, 0], [5, 1]), overlap.RelativeTo(b));
        Assert.True(a.Intersect(new Region([11, 11], [12, 12])).IsEmpty);
        Assert.Throws<ArgumentException>(() => b.RelativeTo(a));
    }

    [Fact]
    public void Invalid_ranges_and_rank_mismatch()
    {
        Assert.Throws<ArgumentException>(() => new Region([5], [4]));
        Assert.Throws<ArgumentException>(() => new Region([-1], [4]));
        Assert.Throws<ArgumentException>(() => new Region([0, 0], [4]));
        Assert.Throws<ArgumentException>(() => new Region([0], [4]).Intersect(new Region([0, 0], [1, 1])));
    }

    [Fact]
    public void Value_equality()
    {
        Assert.Equal(Region.FromShape([3, 4]), new Region([0, 0], [3, 4]));
        Assert.Equal(Region.FromShape([3, 4]).GetHashCode(), new Region([0, 0], [3, 4]).GetHashCode());
        Assert.NotEqual(Region.FromShape([3, 4]), Region.FromShape([4, 3]));
        Assert.Equal(new Region([2, 3], [5, 7]), Region.FromBeginAndShape([2, 3], [3, 4]));
    }
}
