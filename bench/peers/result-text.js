// The report text every side of the peer benchmark writes, the same as
// tdbench's: "Đã triển khai " repeated to `bytes` bytes, not cutting a
// UTF-8 sequence.
'use strict';

module.exports = function resultText(bytes) {
  const w = Buffer.from('Đã triển khai ', 'utf8');
  let k = bytes;
  while (k > 0 && (w[k % w.length] & 0xc0) === 0x80) k--;
  const b = Buffer.alloc(k);
  for (let i = 0; i < k; i++) b[i] = w[i % w.length];
  return b.toString('utf8');
};
