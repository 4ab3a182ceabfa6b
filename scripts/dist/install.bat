@echo off
chcp 65001 >nul
setlocal EnableExtensions
rem @NAME@ @VERSION@ offline install (Windows amd64, Python @PYTHON@): no network needed.
rem Usage: install.bat [TARGET]   (default: venv\ beside this file)
rem Python is looked for in: %PYTHON%, python\ beside this file, "py -@PYTHON@", python on PATH;
rem if none is @PYTHON@ and a python-@PYTHON@.*-amd64.exe from python.org lies beside this file,
rem it is installed into python\ here (current user, no administrator, no PATH change).
rem (No path is expanded inside a parenthesised block: a ")" in a folder name would end it.)

set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%HERE%venv"
if not exist "%HERE%wheels\" goto :nowheels

rem 1. Python @PYTHON@
set "PY="
if not "%PYTHON%"=="" call :try "%PYTHON%"
if not defined PY call :try "%HERE%python\python.exe"
if not defined PY call :trylauncher
if not defined PY call :try python
if not defined PY call :installer
if not defined PY goto :nopython
echo 使用 Python: %PY%

rem 2. A fresh venv (only an earlier install is cleared, never another folder)
if not exist "%TARGET%\" goto :makevenv
if exist "%TARGET%\pyvenv.cfg" goto :makevenv
dir /b /a "%TARGET%" 2>nul | findstr "^" >nul
if not errorlevel 1 goto :notempty
:makevenv
echo 正在安装到 %TARGET%（约需 1～3 分钟）...
"%PY%" -m venv --clear "%TARGET%"
if errorlevel 1 goto :novenv

rem 3. From this bundle only, never the network
set "PIP_CONFIG_FILE=nul"
"%TARGET%\Scripts\python.exe" -m pip install --isolated --no-index --find-links "%HERE%wheels" --only-binary=:all: --no-cache-dir --disable-pip-version-check --quiet "@NAME@==@VERSION@"
if errorlevel 1 goto :nopip

rem 4. Prove it runs
"%TARGET%\Scripts\consolidate.exe" --help
if errorlevel 1 goto :norun

rem 5. A double-click shortcut: a command window where `consolidate` works
set "LAUNCHER=%HERE%consolidate-cmd.bat"
> "%LAUNCHER%" echo @echo off
>> "%LAUNCHER%" echo chcp 65001 ^>nul
>> "%LAUNCHER%" echo cd /d "%%USERPROFILE%%\Desktop" 2^>nul
>> "%LAUNCHER%" echo call "%TARGET%\Scripts\activate.bat"
>> "%LAUNCHER%" echo echo 在这个窗口中可以直接使用 consolidate 命令，例如：consolidate --help
>> "%LAUNCHER%" echo cmd /k

echo.
echo 安装完成。以后双击本文件夹中的 consolidate-cmd.bat，在打开的窗口中输入 consolidate 命令，例如：
echo   consolidate run 收到的报表 --roster 名单.csv --year 2025 --out 2025年度汇总
echo Installed. Double-click consolidate-cmd.bat for a command window where "consolidate" works.
echo.
pause
exit /b 0

:try
"%~1" -c "import sys; sys.exit(not sys.version.startswith('@PYTHON@.'))" >nul 2>&1
if not errorlevel 1 set "PY=%~1"
exit /b 0

:trylauncher
for /f "usebackq delims=" %%i in (`py -@PYTHON@ -c "import sys; print(sys.executable)" 2^>nul`) do call :try "%%i"
exit /b 0

:installer
set "INSTALLER="
for %%f in ("%HERE%python-@PYTHON@.*-amd64.exe") do set "INSTALLER=%%~ff"
if not defined INSTALLER exit /b 0
echo 正在把 Python 安装到 %HERE%python ...（%INSTALLER%）
start "" /wait "%INSTALLER%" /quiet InstallAllUsers=0 "TargetDir=%HERE%python" PrependPath=0 Include_launcher=0 Include_test=0 Include_doc=0 Include_tcltk=0 Shortcuts=0 AssociateFiles=0 Include_pip=1
call :try "%HERE%python\python.exe"
exit /b 0

:nowheels
echo 找不到 wheels 文件夹：请先把整个压缩包解压（右键 - 全部解压缩），再在解压出的文件夹中双击 install.bat。
echo wheels\ is missing: extract the whole zip first, then run install.bat in the extracted folder.
goto :failed

:nopython
echo 没有找到 Python @PYTHON@。请按 README.txt 第一节，把 python.org 的 Python @PYTHON@ 安装程序
echo python-@PYTHON@.x-amd64.exe 放到本文件夹中，再双击 install.bat。
echo Python @PYTHON@ not found: put the python.org installer python-@PYTHON@.x-amd64.exe beside install.bat
echo and run install.bat again; see README.txt, section 1.
goto :failed

:notempty
echo %TARGET% 已存在且不是以前安装的环境：请换一个新的（或空的）文件夹。
echo %TARGET% exists and is not an earlier install: choose a new or empty folder.
goto :failed

:novenv
echo 无法在 %TARGET% 建立 Python 环境。 Cannot create a venv there.
goto :failed

:nopip
echo 从安装包安装 @NAME@ 时出错（见上面的信息）。 pip could not install from the bundle (see above).
goto :failed

:norun
echo 安装后无法运行 consolidate。 consolidate does not run after the install.
goto :failed

:failed
echo.
echo 安装未完成。 Install failed.
pause
exit /b 1
