/** Evidence files. Chinese first; English is the translation. */

export const zh = {
  evidence: {
    title: '证据材料',
    none: '暂无证据材料。',
    name: '名称',
    type: '类型',
    size: '大小',
    sha: 'SHA-256（前16位）',
    by: '添加人',
    at: '添加时间',
    download: '下载',
    link: '链接',
    keptLocation: '保留了位置信息',
    upload: '上传',
    uploadTitle: '上传证据材料',
    file: '文件',
    description: '说明',
    keepLocation: '保留位置信息',
    keepLocationHint:
      '默认去除照片中的拍摄位置（GPS）；仅在位置本身是证据时勾选。HEIC 照片须勾选，或转为 JPEG 后上传。',
    accepts:
      '照片（JPEG、PNG、WebP、GIF、HEIC）、PDF、音频（MP3、M4A/AAC、AMR、WAV、OGG），单个文件不超过 {mb} MB，每案不超过 {count} 件',
    linkTitle: '登记证据链接',
    url: '网址',
    linkHint: '只登记地址，系统不会访问该链接。',
    addLink: '登记链接',
    added: '证据材料已添加',
    failed: '证据材料未添加',
  },
};

export const en: typeof zh = {
  evidence: {
    title: 'Evidence',
    none: 'No evidence yet.',
    name: 'Name',
    type: 'Type',
    size: 'Size',
    sha: 'SHA-256 (first 16)',
    by: 'Added by',
    at: 'Added',
    download: 'Download',
    link: 'Link',
    keptLocation: 'location kept',
    upload: 'Upload',
    uploadTitle: 'Upload evidence',
    file: 'File',
    description: 'Description',
    keepLocation: 'Keep location metadata',
    keepLocationHint:
      'A photo’s position (GPS) is removed unless you tick this; tick it only when the place itself is evidence. HEIC photos need it ticked, or send them as JPEG.',
    accepts:
      'Photos (JPEG, PNG, WebP, GIF, HEIC), PDFs, audio (MP3, M4A/AAC, AMR, WAV, OGG); at most {mb} MB per file and {count} per case',
    linkTitle: 'Record a link as evidence',
    url: 'Address',
    linkHint: 'Only the address is recorded; the system never opens the link.',
    addLink: 'Record the link',
    added: 'Evidence added',
    failed: 'Evidence not added',
  },
};
