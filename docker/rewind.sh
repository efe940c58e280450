#!/bin/sh
# The rewind command inside the image; /opt/rewind/tools exists only in the `tools` image.
exec java ${REWIND_JAVA_OPTS:--Xmx1g} --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "/opt/rewind/lib/*:/opt/rewind/tools/*" io.rewind.cli.Rewind "$@"
