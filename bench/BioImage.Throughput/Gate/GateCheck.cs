using System.Globalization;

namespace BioImage.Throughput.Gate;

/// <summary>One kernel's verdict: <see cref="Line"/> starts with <c>PASS</c> or <c>FAIL</c> and says why.</summary>
/// <param name="Kernel">The kernel id (<c>op/dtype</c>).</param>
/// <param name="Passed">True when the kernel is not slower than its baseline by more than the tolerance.</param>
/// <param name="Line">The line the gate prints.</param>
internal sealed record Verdict(string Kernel, bool Passed, string Line);

/// <summary>The rule of the regression gate.</summary>
internal static class GateCheck
{
    /// <summary>
    /// How much slower than its baseline a kernel may measure before the gate fails: 40 %.
    /// </summary>
    /// <remarks>
    /// On these shared 2-core machines a figure varies by about ±20 % from run to run, and so did the run that
    /// made the baseline: in the worst case the two meet at 0.8 / 1.2 = 0.67, a drop of 33 % with no change in
    /// the code. 40 % stays clear of that, and still catches every kernel that became 2× slower (a 50 % drop).
    /// Timing on the thread's CPU clock, taking the best of several samples, normalizing by a memory copy timed
    /// alongside, and re-measuring a failing kernel before failing it keep the real spread well inside the margin
    /// (measured with other builds running: compute-bound kernels within ±5 %, memory- and file-bound ones from
    /// −15 % to +60 %; only drops count).
    /// </remarks>
    public const double Tolerance = 0.40;

    /// <summary>Judges a kernel's normalized figure against its baseline figure (null: the baseline lacks it).</summary>
    public static Verdict Check(string kernel, double normalized, double? baseline)
    {
        if (baseline is not { } reference)
        {
            return new Verdict(kernel, false, F($"FAIL {kernel}: {normalized:F3} × copy, but bench/baseline.json has no figure for it; run bench/gate.sh --update-baseline and commit bench/baseline.json."));
        }

        double floor = reference * (1 - Tolerance);
        int changePercent = (int)Math.Round(((normalized / reference) - 1) * 100);
        bool passed = normalized >= floor;
        string verdict = passed ? "PASS" : "FAIL";
        string line = F($"{verdict} {kernel}: {normalized:F3} × copy; baseline {reference:F3}, {changePercent:+0;-0;0} %; tolerance {Tolerance * 100:0} % (fails below {floor:F3})");
        return new Verdict(kernel, passed, passed ? line : line + " — slower than its baseline by more than the tolerance.");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
