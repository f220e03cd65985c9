#!/bin/bash
# One-command install of the Station county server on Debian 12 (or newer), run as root from a
# checkout of the repository:   sudo packaging/install-county-server.sh
# Makes the system user station-county, installs the program into /opt/station-county with its own
# virtual environment (the server's libraries only, no Qt), creates the database key (mode 0600)
# in /etc/station-county, the settings file and the systemd unit, then starts the service.
# Running it again upgrades the program and keeps the data, the key and the settings.
set -euo pipefail

SERVICE=station-county
PREFIX=/opt/station-county
DATA=/var/lib/station-county
CONFIG=/etc/station-county
KEY_FILE=$CONFIG/county.db.key
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '%s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
    say "请用 root 运行：sudo $0" >&2
    exit 2
fi

say "正在安装系统软件包（python3、venv）…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null

if ! id -u "$SERVICE" >/dev/null 2>&1; then
    say "正在创建系统用户 $SERVICE …"
    useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin "$SERVICE"
fi
install -d -m 0700 -o "$SERVICE" -g "$SERVICE" "$DATA"
install -d -m 0750 -o root -g "$SERVICE" "$CONFIG"

say "正在安装程序到 $PREFIX …"
install -d -m 0755 "$PREFIX"
rm -rf "$PREFIX/station_app" "$PREFIX/db" "$PREFIX/resources"
cp -r "$SOURCE/station_app" "$SOURCE/db" "$SOURCE/resources" "$SOURCE/main.py" "$SOURCE/requirements.txt" "$PREFIX/"
find "$PREFIX" -name __pycache__ -prune -exec rm -rf {} +
[ -x "$PREFIX/venv/bin/python" ] || python3 -m venv "$PREFIX/venv"
# The server needs no Qt: leave out the desktop's GUI libraries (about 600 MB).
grep -v -i -E '^(pyside6(-essentials|-addons)?|shiboken6|qtawesome|qtpy)([=<> ]|$)' "$PREFIX/requirements.txt" > "$PREFIX/requirements-server.txt"
"$PREFIX/venv/bin/pip" install --quiet --disable-pip-version-check -r "$PREFIX/requirements-server.txt"

if [ ! -e "$KEY_FILE" ]; then
    say "正在生成县服务器数据库密钥 $KEY_FILE（请另行备份，与数据库分开保管）…"
    (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$KEY_FILE" && echo >> "$KEY_FILE")
fi
chown "$SERVICE:$SERVICE" "$KEY_FILE"
chmod 0600 "$KEY_FILE"

if [ ! -e "$CONFIG/server.env" ]; then
    cat > "$CONFIG/server.env" <<'SETTINGS'
# Station county server settings (read by station-county.service; restart after a change).
HOST=0.0.0.0
PORT=8443
# HTTPS: EXTRA_ARGS=--certfile /etc/station-county/cert.pem --keyfile /etc/station-county/key.pem
# PostgreSQL instead of SQLite: EXTRA_ARGS=--database-url postgresql://station@localhost/station
EXTRA_ARGS=
SETTINGS
    chmod 0640 "$CONFIG/server.env"
    chown root:"$SERVICE" "$CONFIG/server.env"
fi

# The county's commands (create-station, waiting, decide…) as the service's user, with its folder and key.
cat > /usr/local/bin/station-county <<WRAPPER
#!/bin/sh
exec runuser -u $SERVICE -- $PREFIX/venv/bin/python $PREFIX/main.py server --dir $DATA --key-file $KEY_FILE "\$@"
WRAPPER
chmod 0755 /usr/local/bin/station-county

install -m 0644 "$SOURCE/packaging/county-server.service" /etc/systemd/system/$SERVICE.service
systemctl daemon-reload
systemctl enable --quiet $SERVICE
systemctl restart $SERVICE

say "县服务器已安装并启动（systemctl status $SERVICE）。"
say "登记社工站：sudo station-county create-station 前甸镇"
say "设置（地址、端口、HTTPS、PostgreSQL）：$CONFIG/server.env；数据：$DATA；密钥：$KEY_FILE"
