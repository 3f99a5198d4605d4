#!/usr/bin/env bash
# Packs the NuGet packages (BioImage.Kernels and BioImage.Core with their .snupkg symbols, and the bioimage CLI as a
# dotnet tool) and checks them as their users meet them. One line per check, "PASS name: …" or "FAIL name: …"
# (scripts/test.sh counts them as tests), exit code 0 only when every check passed:
#   pack                   dotnet pack of the three projects, package validation against the committed 0.1.0
#                          baseline (packaging/baseline/) included;
#   library-packages       each library package holds its dll, XML docs, README, license expression, the
#                          commit and the trimmable/AOT marks; its .snupkg holds the portable pdb;
#   api-break-fails-pack   a copy of kernels/ with one public member removed fails to pack with CP0002 naming it;
#   tool-install-demo      a fresh folder installs the tool from the packed folder (dotnet tool install --tool-path)
#                          and `bioimage demo` exits 0;
#   consumer-project       `dotnet new console` in a fresh folder, `dotnet add package BioImage.Core` from the packed
#                          folder and the configured feed, runs packaging/consumer/Program.cs: its own operation (the
#                          consumer sample's, with a package of its own) and stats on subprocess workers, checked
#                          against closed forms;
#   aot-consumer           the same in a project published with NativeAOT (packaging/aot/Program.cs: stats and a
#                          histogram on local threads), with no trim/AOT warning about our assemblies.
# Usage: scripts/package.sh [--no-build] [--output DIR]  (--no-build: pack the Release build that exists; --output:
# keep the packages in DIR, e.g. for `dotnet tool install --global --add-source DIR bioimage`). Needs unzip and gcc
# (scripts/install-deps.sh installs them).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
no_build=()
output=""
while (($#)); do
  case $1 in
    --no-build) no_build=(--no-build); shift ;;
    --output) output=$2; shift 2 ;;
    *) echo "usage: scripts/package.sh [--no-build] [--output DIR]" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d -t bioimage-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
feed=${output:-$work/nupkgs}
mkdir -p "$feed"
feed=$(cd "$feed" && pwd)
version=$(sed -nE 's|.*<Version>(.*)</Version>.*|\1|p' Directory.Build.props)
toolkit=$(sed -nE 's|.*"CommunityToolkit.HighPerformance" Version="([^"]*)".*|\1|p' Directory.Packages.props)
failed=0
# Each check's line ends with its wall time since the previous line (SECONDS is reset after each).
pass() { echo "PASS $1: $2 (${SECONDS} s)"; SECONDS=0; }
fail() {
  echo "FAIL $1: $2 (${SECONDS} s)"; SECONDS=0; failed=$((failed + 1))
  [[ -f ${3:-} ]] && grep -E "error|FAIL" "$3" | sort -u | head -n 15
}

SECONDS=0
# A package id/version in the NuGet cache is never extracted again: a copy from an earlier pack of this version
# would stand in for the fresh one. These are the packages packed here, so any cached copy is stale.
for id in bioimage bioimage.core bioimage.kernels; do
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$version"
done

# --- pack (package validation runs inside pack) ---
pack_ok=1
for project in kernels/BioImage.Kernels.csproj src/BioImage.Core/BioImage.Core.csproj src/BioImage.Cli/BioImage.Cli.csproj; do
  if ! dotnet pack "$project" -c Release "${no_build[@]}" -o "$feed" >"$work/pack.log" 2>&1; then
    fail pack "dotnet pack $project failed" "$work/pack.log"
    pack_ok=0
    break
  fi
done
if ((pack_ok)); then
  pass pack "$(cd "$feed" && ls -- *.nupkg *.snupkg | tr '\n' ' ')(validated against packaging/baseline/)"
else
  echo "$failed failed checks: the others need the packages"
  exit 1
fi

# --- library-packages: what a NuGet user gets ---
problems=()
for id in BioImage.Kernels BioImage.Core; do
  nupkg=$feed/$id.$version.nupkg
  listing=$(unzip -Z1 "$nupkg" 2>/dev/null)
  for entry in "lib/net10.0/$id.dll" "lib/net10.0/$id.xml" README.md; do
    grep -qxF "$entry" <<<"$listing" || problems+=("$id lacks $entry")
  done
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -q '<license type="expression">' <<<"$nuspec" || problems+=("$id has no license expression")
  grep -qE '<repository [^>]*commit="[0-9a-f]{40}"' <<<"$nuspec" || problems+=("$id names no commit (Source Link)")
  unzip -p "$nupkg" "lib/net10.0/$id.dll" >"$work/$id.dll"
  for mark in IsTrimmable IsAotCompatible; do
    grep -qaF "$mark" "$work/$id.dll" || problems+=("$id.dll lacks the $mark assembly metadata")
  done
  # Listed first, not piped: with pipefail, grep -q's early exit would fail the pipeline (SIGPIPE) at random.
  symbols=$(unzip -Z1 "$feed/$id.$version.snupkg" 2>/dev/null)
  grep -qxF "lib/net10.0/$id.pdb" <<<"$symbols" || problems+=("$id.$version.snupkg lacks $id.pdb")
done
grep -q "BioImage.Kernels\" version=\"$version\"" <(unzip -p "$feed/BioImage.Core.$version.nupkg" BioImage.Core.nuspec) \
  || problems+=("BioImage.Core does not depend on BioImage.Kernels $version")
grep -q '<Command Name="bioimage"' <(unzip -p "$feed/bioimage.$version.nupkg" "tools/net10.0/any/DotnetToolSettings.xml" 2>/dev/null) \
  || problems+=("the bioimage package is no dotnet tool with the command bioimage")
if ((${#problems[@]} == 0)); then
  pass library-packages "dll, XML docs, README, license, commit, IsTrimmable/IsAotCompatible, .snupkg with the pdb; the tool's command is bioimage"
else
  fail library-packages "$(printf '%s; ' "${problems[@]}")"
fi

# --- api-break-fails-pack: package validation catches a removed public member ---
removed='    public static DiceSums Empty { get; } = new(0, 0, 0);'
copy=$work/api-break
mkdir -p "$copy"
cp Directory.Build.props Directory.Build.targets Directory.Packages.props global.json "$copy/"
cp -r packaging "$copy/"
tar -C "$repo" --exclude=bin --exclude=obj -cf - kernels | tar -C "$copy" -xf -
if ! grep -qxF "$removed" "$copy/kernels/Evaluation/DiceSums.cs"; then
  fail api-break-fails-pack "kernels/Evaluation/DiceSums.cs no longer has the line this check removes; update the check: $removed"
else
  grep -vxF "$removed" "$copy/kernels/Evaluation/DiceSums.cs" >"$copy/DiceSums.cs" && mv "$copy/DiceSums.cs" "$copy/kernels/Evaluation/DiceSums.cs"
  # Analyzers and symbols are beside the point here (and the copy is no git work tree): the fastest build that packs.
  if dotnet pack "$copy/kernels/BioImage.Kernels.csproj" -c Release -o "$copy/out" -p:RunAnalyzers=false -p:EnforceCodeStyleInBuild=false \
      -p:GenerateDocumentationFile=false -p:IncludeSymbols=false -p:EnableSourceLink=false -p:EnableSourceControlManagerQueries=false \
      >"$work/api-break.log" 2>&1; then
    fail api-break-fails-pack "the pack succeeded without DiceSums.Empty: package validation does not guard the public API"
  elif grep -qE "error CP0002: Member '[^']*BioImage\.Kernels\.DiceSums\.Empty" "$work/api-break.log"; then
    pass api-break-fails-pack "$(grep -oE "error CP0002: Member '[^']*DiceSums\.Empty[^']*' exists on \[Baseline\]" "$work/api-break.log" | head -n 1)"
  else
    fail api-break-fails-pack "the pack failed, but without CP0002 for DiceSums.Empty" "$work/api-break.log"
  fi
fi

# --- tool-install-demo: the CLI as a dotnet tool in a fresh folder (only the packed folder as a source) ---
mkdir -p "$work/tool"
cat >"$work/tool/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$feed" />
  </packageSources>
</configuration>
EOF
if ! (cd "$work/tool" && dotnet tool install --tool-path "$work/tool/bin" --configfile nuget.config --version "$version" bioimage) >"$work/tool.log" 2>&1; then
  fail tool-install-demo "dotnet tool install --tool-path … bioimage failed" "$work/tool.log"
elif ! (cd "$work/tool" && env -u BIOIMAGE_WORKER BIOIMAGE_NO_CONFIG=1 "$work/tool/bin/bioimage" demo --size 32 --output-dir demo) >>"$work/tool.log" 2>&1; then
  fail tool-install-demo "the installed bioimage demo exited non-zero: $(tail -n 3 "$work/tool.log" | tr '\n' ' ')"
else
  pass tool-install-demo "installed bioimage $version with --tool-path; bioimage demo exited 0 ($(find "$work/tool/demo" -type f | wc -l) files written)"
fi

# --- consumer-project: a fresh console project that uses the library package ---
consumer=$work/consumer
mkdir -p "$consumer"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"packed\" value=\"$feed\" />"
  # The feeds this machine restores from (the user's NuGet.Config), for the packages the library depends on.
  (cd "$work" && dotnet nuget list source --format short) | awk '$1 == "E" { printf "    <add key=\"feed%d\" value=\"%s\" />\n", ++n, $2 }'
  echo '  </packageSources>'
  echo '</configuration>'
} >"$work/consumer.config"
if ! (cd "$consumer" && dotnet new console --name Consumer --output . >"$work/consumer.log" 2>&1 &&
      cp "$work/consumer.config" nuget.config && cp "$repo/packaging/consumer/Program.cs" Program.cs &&
      cp "$repo/tests/BioImage.Consumer.Sample/AffineOperation.cs" AffineOperation.cs &&
      dotnet add package BioImage.Core --version "$version" >>"$work/consumer.log" 2>&1 &&
      dotnet add package CommunityToolkit.HighPerformance --version "$toolkit" >>"$work/consumer.log" 2>&1); then
  fail consumer-project "dotnet new console / dotnet add package failed" "$work/consumer.log"
elif ! (cd "$consumer" && env -u BIOIMAGE_WORKER BIOIMAGE_NO_CONFIG=1 dotnet run -c Release -- "$consumer") >"$work/consumer-run.log" 2>&1; then
  fail consumer-project "the consumer failed: $(tail -n 5 "$work/consumer-run.log" | tr '\n' ' ')"
elif ! grep -q "^consumer ok: " "$work/consumer-run.log"; then
  fail consumer-project "the consumer exited 0 without its ok line: $(tail -n 3 "$work/consumer-run.log" | tr '\n' ' ')"
else
  pass consumer-project "$(grep "^consumer ok: " "$work/consumer-run.log")"
fi

# --- aot-consumer: the same packages in a NativeAOT executable (publish warnings of ours would name BioImage.*) ---
aot=$work/aot
mkdir -p "$aot"
if ! (cd "$aot" && dotnet new console --name Aot --output . >"$work/aot.log" 2>&1 &&
      cp "$work/consumer.config" nuget.config && cp "$repo/packaging/aot/Program.cs" Program.cs &&
      dotnet add package BioImage.Core --version "$version" >>"$work/aot.log" 2>&1 &&
      dotnet publish -c Release -p:PublishAot=true -o out >"$work/aot-publish.log" 2>&1); then
  fail aot-consumer "dotnet new console / add package / publish with PublishAot failed" "$work/aot-publish.log"
elif grep -qE "Assembly 'BioImage\.[A-Za-z]+' produced (trim|AOT)" "$work/aot-publish.log"; then
  fail aot-consumer "the NativeAOT publish warns about our assemblies: $(grep -oE "Assembly 'BioImage\.[A-Za-z]+' produced [^.]*" "$work/aot-publish.log" | sort -u | tr '\n' ' ')"
elif ! "$aot/out/Aot" "$aot" >"$work/aot-run.log" 2>&1 || ! grep -q "^aot ok: " "$work/aot-run.log"; then
  fail aot-consumer "the NativeAOT executable failed: $(tail -n 5 "$work/aot-run.log" | tr '\n' ' ')"
else
  pass aot-consumer "$(grep "^aot ok: " "$work/aot-run.log") (published without trim/AOT warnings about BioImage.*)"
fi

exit $((failed > 0))
