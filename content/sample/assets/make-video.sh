#!/usr/bin/env bash
# How content/sample/assets/autumn-walk.mp4 was made (Debian's ffmpeg and
# fonts-noto-cjk): two of the sample pictures (sample.Picture(2, 1080,
# 1920) and sample.Picture(4, 1080, 1920), written as p0.jpg and p1.jpg),
# each slowly zoomed for five seconds, cross-faded, with the sample mark
# and a title drawn on; 9 s, 720x1280 (a short video stands), H.264 Main,
# no sound, moov first so browsers play it while it downloads. About
# 176 KB, embedded in the binary. Not run by the build or the tests.
set -euo pipefail
F=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ffmpeg -y -loglevel error -i p0.jpg -i p1.jpg -filter_complex "\
[0:v]scale=1080:1920,zoompan=z='1+0.0015*on':d=125:s=720x1280:fps=25,setsar=1[a];\
[1:v]scale=1080:1920,zoompan=z='1.2-0.0015*on':d=125:s=720x1280:fps=25,setsar=1[b];\
[a][b]xfade=transition=fade:duration=1:offset=4,format=yuv420p,\
drawtext=fontfile=$F:text='【示例视频】':fontsize=56:fontcolor=white:borderw=3:bordercolor=black@0.6:x=(w-text_w)/2:y=120,\
drawtext=fontfile=$F:text='金秋登高 · 银龄同行':fontsize=64:fontcolor=white:borderw=3:bordercolor=black@0.6:x=(w-text_w)/2:y=h-260[v]" \
  -map "[v]" -c:v libx264 -preset slow -crf 32 -profile:v main -movflags +faststart -r 25 autumn-walk.mp4
