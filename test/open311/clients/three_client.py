# -*- coding: utf-8 -*-
"""Drives three (PyPI three 0.8.0, Code for America's Open311 client, used as it is; Python 2.7) against
the API on loopback: posts a report with a photo as the multipart `media` part, then reads it back.

Usage: python2.7 three_client.py BASE_URL API_KEY PHOTO_PATH. Prints one JSON line.
"""
from __future__ import print_function
import json
import sys

from three import Three

base, api_key, photo = sys.argv[1], sys.argv[2], sys.argv[3]
client = Three(base, api_key=api_key)
with open(photo, 'rb') as media:
    posted = client.post(
        'neighbour',
        address=u'武陵区渔父祠社区桃李小区9栋',
        name=u'Li Lei',
        phone='13700001111',
        description=u'楼上卫生间漏水，墙面发霉，附照片。',
        media=media,
    )
status = client.post_response.status_code
result = {'status': status, 'posted': posted}
if status == 201:
    result['read'] = client.request(posted[0]['service_request_id'])
print(json.dumps(result))
