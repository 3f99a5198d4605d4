using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Common;

/// <summary><see cref="RadixSort"/> against a stable comparison sort (LINQ OrderBy) of the same items.</summary>
public sealed class RadixSortTests
{
    [Theory]
    [InlineData(0, 0UL)]
    [InlineData(1, 0UL)]
    [InlineData(2, 1UL)]
    [InlineData(1000, 3UL)]
    [InlineData(5000, 1UL << 20)]
    [InlineData(70_000, ulong.MaxValue)]
    public void One_word_keys_sort_as_a_stable_comparison_sort(int count, ulong range)
    {
        var random = new Random(count);
        var items = Enumerable.Range(0, count).Select(i => new OneWord(Key(random, range), i)).ToArray();
        var expected = items.OrderBy(item => item.Key).ToArray();
        RadixSort.Sort<OneWord>(items, new OneWord[count]);
        Assert.Equal(expected, items);
    }

    [Theory]
    [InlineData(3000, 5UL, 7UL)]
    [InlineData(40_000, 1UL << 40, 100UL)]
    [InlineData(40_000, ulong.MaxValue, ulong.MaxValue)]
    public void Two_word_keys_sort_by_the_high_word_then_the_low_word(int count, ulong highRange, ulong lowRange)
    {
        var random = new Random(count);
        var items = Enumerable.Range(0, count).Select(i => new TwoWords(Key(random, highRange), Key(random, lowRange), i)).ToArray();
        var expected = items.OrderBy(item => item.High).ThenBy(item => item.Low).ToArray();
        RadixSort.Sort<TwoWords>(items, new TwoWords[count + 3]);
        Assert.Equal(expected, items);
    }

    [Fact]
    public void A_short_scratch_span_is_refused()
    {
        var items = new OneWord[4];
        Assert.Throws<ArgumentException>(() => RadixSort.Sort<OneWord>(items, new OneWord[3]));
    }

    private static ulong Key(Random random, ulong range) =>
        range == ulong.MaxValue ? (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63) : (ulong)random.NextInt64((long)Math.Min(range, long.MaxValue - 1) + 1);

    private readonly record struct OneWord(ulong Key, int Order) : IRadixSortable
    {
        public static int KeyWords => 1;

        public ulong KeyWord(int index) => Key;
    }

    private readonly record struct TwoWords(ulong High, ulong Low, int Order) : IRadixSortable
    {
        public static int KeyWords => 2;

        public ulong KeyWord(int index) => index == 0 ? Low : High;
    }
}
