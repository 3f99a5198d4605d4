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
    /// Timing on the thread's CPU clock, taking the best of several samples, normalizing by the reference that limits
    /// the kernel (memory copy or compute loop, measured alongside), and re-measuring a failing kernel before failing
    /// it keep the real spread inside the margin: measured with other builds running (load average 11 on 2 cores),
    /// compute-bound kernels stayed within ±2 % (once +21 %) and memory-bound ones within −19 % to +24 %.
    /// </remarks>
    public const double Tolerance = 0.40;

    /// <summary>Judges a kernel's figure against its baseline (null: the baseline lacks the kernel).</summary>
    public static Verdict Check(string kernel, double figure, BaselineFigure? baseline)
    {
        if (baseline is null)
        {
            return new Verdict(kernel, false, $"FAIL {kernel}: bench/baseline.json has no figure for it; run bench/gate.sh --update-baseline and commit bench/baseline.json.");
        }

        double floor = baseline.Figure * (1 - Tolerance);
        int changePercent = (int)Math.Round(((figure / baseline.Figure) - 1) * 100);
        bool passed = figure >= floor;
        string verdict = passed ? "PASS" : "FAIL";
        string line = F($"{verdict} {kernel}: {figure:G4} {Unit(baseline.Reference)}; baseline {baseline.Figure:G4}, {changePercent:+0;-0;0} %; tolerance {Tolerance * 100:0} % (fails below {floor:G4})");
        return new Verdict(kernel, passed, passed ? line : line + " — slower than its baseline by more than the tolerance.");
    }

    /// <summary>How a figure relative to <paramref name="reference"/> reads.</summary>
    public static string Unit(Reference reference) => reference == Reference.Copy ? "× copy bandwidth" : "bytes per compute-loop step";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
