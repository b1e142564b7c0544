//! The command lines of oras.land's 1.3 how-to guides
//! (`versioned_docs/version-1.3/how_to_guides/*.mdx` of oras-project/
//! oras-www), run with `oar` installed as `oras`: each guide is one test, a
//! shell script whose `oras` lines are the guide's, in its order, with the
//! guide's registries (`localhost:5000`, `localhost:15000`, `ghcr.io`,
//! `docker.io`) replaced by Debian registries on loopback. What the guide
//! says a step prints is checked where a reader would rely on it. The
//! script runs under `set -eu`, so a line that fails fails the test with
//! its output.

use crate::util::registry::{Options, Registry};
use crate::util::{TempDir, bin};

/// Runs `script` with `sh -eu` in `d`, `oras` on the `PATH` being the
/// binary under test, the home and docker config private to the test, and
/// `vars` exported. Panics with the output when it fails.
fn guide(d: &TempDir, vars: &[(&str, &str)], script: &str) -> String {
    let link_dir = d.join(".bin");
    std::fs::create_dir_all(&link_dir).unwrap();
    let link = link_dir.join("oras");
    if !link.exists() {
        std::os::unix::fs::symlink(bin(), &link).unwrap();
    }
    let path = format!(
        "{}:{}",
        link_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .args(["-euc", &format!("exec 2>&1\n{script}")])
        .current_dir(d.path())
        .env("PATH", path)
        .env("HOME", d.path())
        .env("DOCKER_CONFIG", d.join(".docker"))
        .env_remove("ORAS_CACHE")
        .envs(vars.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "the guide stopped:\n{text}");
    text
}

/// `localhost:<port>`: the name the guides use, reached over plain HTTP as
/// oras reaches it.
fn localhost(r: &Registry) -> String {
    format!("localhost:{}", r.port)
}

#[test]
fn pushing_and_pulling() {
    let reg = Registry::start();
    let d = TempDir::new("howto-push-pull");
    let out = guide(
        &d,
        &[("R", &localhost(&reg))],
        r##"
echo "hello world" > artifact.txt
oras push $R/hello-artifact:v1 \
  --artifact-type application/vnd.acme.rocket.config \
  ./artifact.txt
rm -f artifact.txt
oras pull $R/hello-artifact:v1
test "$(cat artifact.txt)" = "hello world"
oras push $R/hello-artifact:v2 \
  --artifact-type application/vnd.acme.rocket.config \
    artifact.txt:text/plain
echo "{\"name\":\"foo\",\"value\":\"bar\"}" > config.json
oras push $R/hello-artifact:v2 \
  --config config.json:application/vnd.acme.rocket.config.v1+json \
    artifact.txt:text/plain
mkdir -p docs && echo "# readme" > docs/readme.md
oras push $R/hello-artifact:v2 \
    --config config.json:application/vnd.acme.rocket.config.v1+json \
    artifact.txt:text/plain \
    ./docs/:application/vnd.acme.rocket.docs.layer.v1+tar
oras manifest fetch $R/hello-artifact:v2 --pretty > manifest.json
grep -q '"mediaType": "application/vnd.acme.rocket.docs.layer.v1+tar"' manifest.json
rm -rf artifact.txt docs
oras pull $R/hello-artifact:v2
test "$(cat docs/readme.md)" = "# readme"
oras push $R/hello:latest artifact.txt
oras pull $R/hello:latest
"##,
    );
    assert!(out.contains("Pulled [registry] "), "{out}");
}

#[test]
fn manifest_config() {
    let reg = Registry::start();
    let d = TempDir::new("howto-config");
    guide(
        &d,
        &[("R", &localhost(&reg))],
        r##"
echo "hi" > hi.txt
echo '{"kind":"demo"}' > config.json
oras push --config config.json $R/hello:latest hi.txt
oras push --config config.json:application/vnd.oras.config.v1+json $R/hello:latest hi.txt
oras push --config /dev/null:application/vnd.oras.config.v1+json $R/hello:latest hi.txt
oras push --export-manifest /dev/null $R/hello:latest hi.txt
oras push --config config.json $R/hello:latest hi.txt
oras push --artifact-type application/vnd.oras.config.v1+json $R/hello:latest hi.txt
echo '{"$config":{"org.opencontainers.image.title":"config.json"}}' > annotations.json
oras push --config config.json --annotation-file annotations.json $R/hello:latest hi.txt
# `-a` is from oras before 1.0; oras 1.3 refuses it, and so does oar.
if oras pull -a $R/hello:latest > bad.txt 2>&1; then exit 1; fi
grep -qx "Error: unknown shorthand flag: 'a' in -a" bad.txt
rm hi.txt
oras pull $R/hello:latest
test "$(cat hi.txt)" = hi
"##,
    );
}

#[test]
fn manifest_annotations() {
    let reg = Registry::start();
    let d = TempDir::new("howto-annotations");
    let out = guide(
        &d,
        &[("R", &localhost(&reg))],
        r##"
echo "hello" > artifact.txt && echo "attached" > attach.txt
oras push --annotation "key=val" $R/hello:v1 artifact.txt
oras attach --artifact-type doc/example --annotation "key1=val1" --annotation "key2=val2" $R/hello:v1 attach.txt
echo cake > cake.txt && echo juice > juice.txt
cat > annotations.json <<'EOF'
{"$manifest":{"foo":"bar"},"cake.txt":{"fun":"more cream"},"juice.txt":{"fun":"more sugar"}}
EOF
oras push --annotation-file annotations.json $R/club:party cake.txt juice.txt
oras manifest fetch $R/club:party --pretty
"##,
    );
    assert!(out.contains("\"fun\": \"more cream\""), "{out}");
    assert!(out.contains("\"foo\": \"bar\""), "{out}");
}

#[test]
fn format_output() {
    let reg = Registry::start();
    let d = TempDir::new("howto-format");
    let out = guide(
        &d,
        &[
            ("REGISTRY", &localhost(&reg)),
            ("REPO", "demo"),
            ("TAG", "v1"),
        ],
        r##"
echo '{"spdx":1}' > sbom.spdx && echo '{"vul":0}' > vul-scan.json && echo '{}' > vul-report.json
mkdir -p sample-folder && echo x > sample-folder/x.txt
oras push $REGISTRY/$REPO:$TAG sbom.spdx vul-scan.json
oras manifest fetch $REGISTRY/$REPO:$TAG --output sample-manifest --format go-template='{{.content.config.mediaType}}'
echo
grep -q '"schemaVersion":2' sample-manifest
oras manifest fetch $REGISTRY/$REPO:$TAG --format json > fetched.json
grep -q '"content"' fetched.json
oras manifest fetch $REGISTRY/$REPO:$TAG --format go-template --template '{{ toPrettyJson .content.config }}'
echo
# The guide adds --artifact-type to pull, which oras's pull does not take.
if oras pull $REGISTRY/$REPO:$TAG --artifact-type example/sbom sbom.spdx  --artifact-type example/vul-scan vul-scan.json --format json > bad.txt 2>&1; then exit 1; fi
grep -q 'unknown flag: --artifact-type' bad.txt
oras pull $REGISTRY/$REPO:$TAG --format json > pulled.json
grep -q '"files"' pulled.json
oras pull $REGISTRY/$REPO:$TAG --format go-template='{{toRawJson .}}'
echo
oras push $REGISTRY/$REPO:v1,v2 sbom.spdx vul-scan.json --format json > pushed.json
# The guide's prose says referenceByTags; oras 1.3 writes referenceAsTags.
grep -q '"referenceAsTags"' pushed.json
oras push $REGISTRY/$REPO:$TAG sample-folder --format go-template='{{.reference}}, {{.mediaType}}'
echo
oras attach $REGISTRY/$REPO:$TAG --artifact-type example/report-and-sbom vul-report.json:example/vul-scan sbom.spdx:example/sbom --format json > attached.json
grep -q '"artifactType": "example/report-and-sbom"' attached.json
oras discover $REGISTRY/$REPO:$TAG --format tree
oras discover $REGISTRY/$REPO:v1 --format json > discovered.json
grep -q '"referrers"' discovered.json
"##,
    );
    assert!(
        out.contains("application/vnd.oci.empty.v1+json\n"),
        "the config media type, printed by the template: {out}"
    );
    assert!(
        out.contains(", application/vnd.oci.image.manifest.v1+json"),
        "{out}"
    );
    assert!(out.contains("└── example/report-and-sbom"), "{out}");
}

#[test]
fn distributing_oci_layouts() {
    let reg = Registry::start();
    let d = TempDir::new("howto-layouts");
    let out = guide(
        &d,
        &[("R", &localhost(&reg))],
        r##"
# What `docker buildx build -o type=oci,dest=hello-world.tar` makes: an
# OCI layout packed as a tar archive, tagged v1.
echo 'hello world!' > hello.txt
oras push --oci-layout layout:v1 hello.txt
tar -cf hello-world.tar -C layout .
mkdir hello-world
tar -xf ./hello-world.tar -C hello-world
oras cp --from-oci-layout ./hello-world.tar:v1 $R/hello-artifact:v1
rm hello.txt
oras pull $R/hello-artifact:v1
test "$(cat hello.txt)" = 'hello world!'
rm hello.txt
oras pull --oci-layout hello-world.tar:v1
test "$(cat hello.txt)" = 'hello world!'
"##,
    );
    assert!(
        out.contains("Copied [oci-layout] ./hello-world.tar:v1 => [registry] "),
        "{out}"
    );
    assert!(
        out.contains("Pulled [oci-layout] hello-world.tar:v1"),
        "{out}"
    );
}

#[test]
fn multiarch() {
    let reg = Registry::start();
    let d = TempDir::new("howto-multiarch");
    let out = guide(
        &d,
        &[("R", &localhost(&reg))],
        r##"
for p in linux/arm64 linux/amd64 darwin/amd64; do mkdir -p bin/$p; echo "oras for $p" > bin/$p/oras; done
oras push $R/oras:linux_arm64 --artifact-platform linux/arm64 --artifact-type 'application/vnd.oci.image.config.v1+json'  bin/linux/arm64/oras:application/octet-stream
oras push $R/oras:linux_amd64  --artifact-platform linux/amd64 --artifact-type 'application/vnd.oci.image.config.v1+json'  bin/linux/amd64/oras:application/octet-stream
LINUX_ARM64_SHA=$(oras resolve $R/oras:linux_arm64)
LINUX_AMD64_SHA=$(oras resolve $R/oras:linux_amd64)
oras manifest index create $R/oras:v1 ${LINUX_ARM64_SHA} ${LINUX_AMD64_SHA}
oras manifest index create $R/oras:v1 linux_arm64 linux_amd64
oras manifest fetch $R/oras:v1 --pretty
oras pull $R/oras:v1 --platform linux/amd64 -o ./download
test "$(cat download/bin/linux/amd64/oras)" = "oras for linux/amd64"
oras push $R/oras:darwin,amd64  --artifact-platform darwin/amd64 --artifact-type 'application/vnd.oci.image.config.v1+json'  bin/darwin/amd64/oras:application/octet-stream
# The guide reuses the variable for the darwin manifest.
LINUX_AMD64_SHA=$(oras resolve $R/oras:darwin)
oras manifest index update $R/oras:v1 --add ${LINUX_AMD64_SHA}
oras pull $R/oras:v1 --platform darwin/amd64 -o ./download
test "$(cat download/bin/darwin/amd64/oras)" = "oras for darwin/amd64"
"##,
    );
    assert!(out.contains("\"architecture\": \"arm64\""), "{out}");
}

/// A registry asking for the user `oras-user`, as ghcr.io and docker.io
/// ask for theirs.
fn authenticated() -> Registry {
    Registry::start_with(Options {
        basic_auth: Some(("oras-user", "oras-token")),
        ..Options::default()
    })
}

#[test]
fn remote_registries_and_authentication() {
    let ghcr = authenticated();
    let d = TempDir::new("howto-remote");
    let out = guide(
        &d,
        &[
            ("GHCR", &localhost(&ghcr)),
            ("GHCR_USER", "oras-user"),
            ("GHCR_TOKEN", "oras-token"),
        ],
        r##"
echo "${GHCR_TOKEN}" | oras login --username "${GHCR_USER}" --password-stdin $GHCR
echo "hello" > artifact.txt && echo "ref" > ref-artifact.txt
oras push $GHCR/${GHCR_USER}/my-repository:v1 artifact.txt
rm artifact.txt
oras pull $GHCR/${GHCR_USER}/my-repository:v1
test "$(cat artifact.txt)" = hello
oras attach $GHCR/${GHCR_USER}/my-repository:v1 --artifact-type 'doc/example' --annotation 'key=val' ref-artifact.txt
oras discover $GHCR/${GHCR_USER}/my-repository:v1
oras logout $GHCR
oras pull -u oras-user -p oras-token $GHCR/${GHCR_USER}/my-repository:v1
"##,
    );
    assert!(out.contains("Login Succeeded"), "{out}");
    assert!(out.contains("└── doc/example"), "{out}");
}

#[test]
fn backup_and_restore() {
    let ghcr = authenticated();
    let docker = authenticated();
    let d = TempDir::new("howto-backup");
    let out = guide(
        &d,
        &[("GHCR", &localhost(&ghcr)), ("DOCKER", &localhost(&docker))],
        r##"
for r in $GHCR $DOCKER; do echo oras-token | oras login -u oras-user --password-stdin $r; done
# The guide's sample repository: two tags, with signatures and SBOMs.
echo cli > oras; echo sbom > sbom.json; echo sig > sig
oras push $GHCR/chocolate-labs/oras-cli:v1.2.3,v1.2.3-2 oras
for t in v1.2.3 v1.2.3-2; do
  oras attach --artifact-type application/spdx+json $GHCR/chocolate-labs/oras-cli:$t sbom.json
  oras attach --artifact-type application/vnd.cncf.notary.signature $GHCR/chocolate-labs/oras-cli:$t sig
done
oras repo tags $GHCR/chocolate-labs/oras-cli
oras discover $GHCR/chocolate-labs/oras-cli:v1.2.3
oras backup $GHCR/chocolate-labs/oras-cli --include-referrers --output oras-cli.tar
oras discover --oci-layout oras-cli.tar:v1.2.3 > in-archive.txt
grep -q 'application/spdx+json' in-archive.txt
grep -q 'application/vnd.cncf.notary.signature' in-archive.txt
oras restore $DOCKER/myorg/oras-cli --input oras-cli.tar
oras discover $DOCKER/myorg/oras-cli:v1.2.3 > restored.txt
grep -q 'application/spdx+json' restored.txt
grep -q 'application/vnd.cncf.notary.signature' restored.txt
"##,
    );
    assert!(out.contains("Successfully backed up "), "{out}");
    assert!(out.contains("Successfully restored "), "{out}");
}
