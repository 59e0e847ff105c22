# Sourced by scripts/gpu/rerun-check.sh: makes Vulkan usable for onnxruntime-node's WebGPU provider
# (Dawn over Vulkan) on a GPU machine that has the NVIDIA driver but no Vulkan loader.
#   vulkan_setup DEBS_DIR WORK_DIR      (prints what it found and did; exports the variables below)
# 1. The loader: the system's libvulkan.so.1 if there is one, else Debian's libvulkan1 carried in
#    DEBS_DIR (scripts/gpu/prepare.sh), unpacked with dpkg -x (Python's tarfile where dpkg is missing)
#    and put first on LD_LIBRARY_PATH.
# 2. The driver: an NVIDIA ICD file where one exists (/etc/vulkan/icd.d, /usr/share/vulkan/icd.d,
#    /usr/local/nvidia/share/vulkan/icd.d, ...); where the driver's Vulkan library (libGLX_nvidia.so.0)
#    is there but no ICD file names it, one is written under WORK_DIR. VK_DRIVER_FILES (and the older
#    VK_ICD_FILENAMES) then name that one file, so that no software driver (lavapipe) is picked.
#    What that library links against and the machine lacks (glvnd's libGLdispatch, libX11, ...) is
#    unpacked from DEBS_DIR/glx and put last on LD_LIBRARY_PATH (the machine's own copies win).
# Nothing here fails the check: what is missing is printed, and the re-run records WebGPU's reason.

# unpack_deb DEB DIR: dpkg -x, or Python's tarfile where dpkg is missing.
unpack_deb() {
  if command -v dpkg >/dev/null 2>&1; then
    dpkg -x "$1" "$2"
  else
    "${RUNNER_PYTHON:-python3}" - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\n", "not a .deb"
pos = 8
while pos < len(data):
    name, size = data[pos:pos + 16].decode().strip().rstrip("/"), int(data[pos + 48:pos + 58])
    body = data[pos + 60:pos + 60 + size]
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(body), mode="r:*").extractall(sys.argv[2])
    pos += 60 + size + (size % 2)
PY
  fi
}

vulkan_setup() {
  local debs=$1 work=$2 deb libdir icd="" lib="" dir candidate missing
  mkdir -p "$work"

  if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
    echo "loader: system $(ldconfig -p | awk '/libvulkan\.so\.1 /{print $NF; exit}')"
  else
    deb=$(ls "$debs"/libvulkan1_*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
      echo "loader: none on the machine and no libvulkan1 .deb in $debs (run scripts/gpu/prepare.sh)"
    else
      unpack_deb "$deb" "$work/loader"
      libdir="$work/loader/usr/lib/x86_64-linux-gnu"
      if [ -e "$libdir/libvulkan.so.1" ]; then
        export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        echo "loader: $(basename "$deb") unpacked, $libdir/libvulkan.so.1"
      else
        echo "loader: $(basename "$deb") did not unpack to $libdir/libvulkan.so.1"
      fi
    fi
  fi

  for candidate in /etc/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json \
      /usr/local/share/vulkan/icd.d/nvidia_icd*.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd*.json \
      /usr/local/nvidia/vulkan/icd.d/nvidia_icd*.json /usr/local/nvidia/icd.d/nvidia_icd*.json; do
    if [ -f "$candidate" ]; then icd=$candidate; break; fi
  done
  local search=${LD_LIBRARY_PATH:-}
  for dir in ${search//:/ } /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    if [ -e "$dir/libGLX_nvidia.so.0" ]; then lib=$dir/libGLX_nvidia.so.0; break; fi
  done
  [ -n "$lib" ] || lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 /{print $NF; exit}')
  if [ -z "$lib" ] && [ -z "$icd" ]; then
    echo "searching the disk for the NVIDIA Vulkan driver (libGLX_nvidia.so.0, nvidia_icd*.json) ..."
    while IFS= read -r candidate; do
      case $candidate in
        *.json) [ -n "$icd" ] || icd=$candidate ;;
        *) [ -n "$lib" ] || lib=$candidate ;;
      esac
    done < <(timeout 30 find / -xdev -path "$work" -prune -o \( -name 'libGLX_nvidia.so.0' -o -name 'nvidia_icd*.json' \) -print 2>/dev/null)
  fi

  if [ -n "$lib" ]; then
    echo "driver library: $lib"
    # the ICD may name it without a path; its own libraries (libnvidia-glcore, ...) sit beside it
    case ":${LD_LIBRARY_PATH:-}:" in *":$(dirname "$lib"):"*) ;; *) export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$(dirname "$lib")" ;; esac
    missing=$(ldd "$lib" 2>/dev/null | grep -c 'not found')
    if [ "$missing" -gt 0 ] && ls "$debs"/glx/*.deb >/dev/null 2>&1; then
      echo "driver library lacks $missing librar$([ "$missing" -eq 1 ] && echo y || echo ies): $(ldd "$lib" | awk '/not found/{printf "%s ", $1}')"
      for deb in "$debs"/glx/*.deb; do unpack_deb "$deb" "$work/glx"; done
      export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$work/glx/usr/lib/x86_64-linux-gnu:$work/glx/lib/x86_64-linux-gnu"
      echo "unpacked $(ls "$debs"/glx | wc -l) carried .debs into $work/glx"
    fi
    ldd "$lib" 2>/dev/null | grep 'not found' | sed 's/^/  still missing: /'
  else
    echo "driver library: no libGLX_nvidia.so.0 (a container started without the NVIDIA 'graphics' capability has none)"
  fi
  if [ -z "$icd" ] && [ -n "$lib" ]; then
    icd="$work/icd.d/nvidia_icd.json"
    mkdir -p "$(dirname "$icd")"
    printf '{ "file_format_version": "1.0.1", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$lib" > "$icd"
    echo "ICD file: none on the machine; wrote $icd -> $lib"
  elif [ -n "$icd" ]; then
    echo "ICD file: $icd: $(tr -d '\n' < "$icd" | tr -s ' ')"
  else
    echo "ICD file: none, and no driver library to write one for: WebGPU will find no adapter"
  fi
  if [ -n "$icd" ]; then export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd; fi
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
}
