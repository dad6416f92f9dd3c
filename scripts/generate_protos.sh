#!/usr/bin/env bash
# Regenerates Sources/TFProto/*.pb.swift from our TensorFlow .proto subset in
# Sources/TFProto/Protos/. protoc-gen-swift must be built from the same swift-protobuf
# release that Package.swift resolves (1.39.0), otherwise the generated code may not compile
# against the runtime library:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_root="$repo_root/Sources/TFProto/Protos"
out_dir="$repo_root/Sources/TFProto"
plugin="${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
protoc_bin="${PROTOC:-protoc}"

if [[ ! -x "$plugin" ]]; then
  echo "error: protoc-gen-swift not found at $plugin (set PROTOC_GEN_SWIFT)" >&2
  exit 1
fi

# Old outputs are removed first so that a proto deleted from the subset does not leave a
# stale .pb.swift behind.
rm -f "$out_dir"/*.pb.swift

cd "$proto_root"
mapfile -t protos < <(find tensorflow -name '*.proto' | LC_ALL=C sort)
"$protoc_bin" \
  --plugin=protoc-gen-swift="$plugin" \
  --proto_path="$proto_root" \
  --swift_opt=Visibility=Public \
  --swift_opt=FileNaming=DropPath \
  --swift_out="$out_dir" \
  "${protos[@]}"

echo "generated ${#protos[@]} files into $out_dir"
