#!/bin/sh
# @NAME@ @VERSION@ 离线安装（Linux @MACHINE@，Python @PYTHON@）—— 不需要联网。
# Offline install of @NAME@ @VERSION@ (Linux @MACHINE@, Python @PYTHON@): no network needed.
#
# 用法 Usage:  sh install.sh [安装目录 TARGET]
#   默认安装到本文件夹下的 venv/（一个独立的 Python 环境，不改动系统）。
#   By default into venv/ beside this file (a separate Python environment; the system is not changed).
#   指定 Python：PYTHON=/path/to/python3.11 sh install.sh
set -eu

HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
TARGET=${1:-"$HERE/venv"}

fail() {
    printf '\n安装未完成：%s\nInstall failed: %s\n' "$1" "$2" >&2
    exit 1
}

[ -d "$HERE/wheels" ] || fail "找不到 wheels 文件夹：请先把整个压缩包解压，再在解压出的文件夹中运行 install.sh。" \
    "wheels/ is missing: unpack the whole archive first, then run install.sh in the unpacked folder."

# 1. 这台电脑：CPU 架构和 glibc 版本 / this machine: CPU and glibc
machine=$(uname -m)
[ "$machine" = "@MACHINE@" ] || fail "本安装包适用于 @MACHINE@ 电脑，这台电脑是 ${machine}：请改用 ${machine} 的安装包。" \
    "this bundle is for @MACHINE@, this machine is ${machine}."
libc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}') || libc=""
if [ -n "$libc" ] && ! awk -v have="$libc" -v need="@GLIBC@" 'BEGIN {
        split(have, h, "."); split(need, n, ".");
        exit !((h[1] > n[1]) || (h[1] == n[1] && h[2] >= n[2])) }'; then
    fail "系统的 glibc 是 ${libc}，至少需要 @GLIBC@（统信 UOS 20、银河麒麟 V10 及更新版本可以）。" \
        "glibc ${libc} is too old; @GLIBC@ or newer is needed."
fi

# 2. Python @PYTHON@：PYTHON 变量、本文件夹下的 python/、python@PYTHON@、python3
PY=""
for candidate in "${PYTHON:-}" "$HERE/python/bin/python3" python@PYTHON@ python3; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(not sys.version.startswith("@PYTHON@."))' >/dev/null 2>&1; then
        PY=$candidate
        break
    fi
done
[ -n "$PY" ] || fail "没有找到 Python @PYTHON@。请按 README.txt 第一节安装 Python @PYTHON@（或把独立版 Python 解压为本文件夹下的 python/），再运行 install.sh。" \
    "Python @PYTHON@ not found: see README.txt, section 1."
"$PY" -c 'import venv, ensurepip' >/dev/null 2>&1 || fail "$PY 缺少 venv 模块：请一并安装 python@PYTHON@-venv 软件包（或改用独立版 Python，见 README.txt）。" \
    "$PY has no venv module: install the python@PYTHON@-venv package too (or use a standalone Python, see README.txt)."

# 3. 新建独立环境（只会清空以前装在这里的环境，不会清空别的文件夹）/ a fresh venv
if [ -e "$TARGET" ] && [ ! -f "$TARGET/pyvenv.cfg" ] && [ -n "$(ls -A "$TARGET" 2>/dev/null)" ]; then
    fail "$TARGET 已存在且不是以前安装的环境：请换一个新的（或空的）文件夹。" \
        "$TARGET exists and is not an earlier install: choose a new or empty folder."
fi
printf '正在安装到 %s（约需 1～3 分钟）…\nInstalling into %s (1 to 3 minutes) …\n' "$TARGET" "$TARGET"
"$PY" -m venv --clear "$TARGET" || fail "无法在 $TARGET 建立 Python 环境（统信 UOS 等 Debian 系统上常因缺少 python@PYTHON@-venv 软件包）。" \
    "cannot create a venv in $TARGET (on Debian-based systems such as UOS, install python@PYTHON@-venv)."

# 4. 只从本安装包安装，不联网 / from this bundle only, never the network
PIP_CONFIG_FILE=/dev/null "$TARGET/bin/python" -m pip install --isolated --no-index --find-links "$HERE/wheels" \
    --only-binary=:all: --no-cache-dir --disable-pip-version-check --quiet "@NAME@==@VERSION@" \
    || fail "从安装包安装 @NAME@ 时出错（见上面的信息）。" "pip could not install from the bundle (see above)."

# 5. 确认能运行 / prove it runs
"$TARGET/bin/consolidate" --help || fail "安装后无法运行 consolidate。" "consolidate does not run after the install."

cat <<EOF

安装完成。使用方法（在终端中）：
  "$TARGET/bin/consolidate" run 收到的报表/ --roster 名单.csv --year 2025 --out 2025年度汇总/
或者先执行一次  . "$TARGET/bin/activate"  ，之后直接输入 consolidate 即可。

Installed. Run "$TARGET/bin/consolidate --help", or ". $TARGET/bin/activate" first and then "consolidate".
EOF
