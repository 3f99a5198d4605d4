using BioImage.Blockwise;

// BioImage.Blockwise: reads one block-wise request (JSON) from stdin, runs it, writes the answer (one JSON object) to
// stdout; progress lines go to stderr. Exit code 0 whenever an answer was written, whatever its status. SIGTERM
// (the library's caller gave up) cancels the run: distributed runs stop their workers and keep their folder.
using var cancellation = new CancellationTokenSource();
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});
string request = await Console.In.ReadToEndAsync().ConfigureAwait(false);
var answer = BlockwiseRun.Answer(request, Console.Error, cancellation.Token);
Console.Out.Write(answer.ToJsonString());
return 0;
