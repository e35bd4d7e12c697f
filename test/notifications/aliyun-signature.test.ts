/**
 * Aliyun's RPC signature (v1, HMAC-SHA1) against the worked examples of its documentation, and the
 * SendSms request the adapter sends (to a loopback receiver standing in for dysmsapi.aliyuncs.com).
 */
import { AliyunSms, canonicalQuery, percentEncode, rpcSignature, stringToSign } from '../../notifications/aliyun';
import { startSmsReceiver } from '../helpers/sms-receiver';

describe('Aliyun RPC signature v1 (HMAC-SHA1)', () => {
  it('matches the SMS documentation example (短信服务 签名机制: testId/testSecret, SendSms)', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(canonicalQuery(params)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    );
    expect(rpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('matches the general RPC example (签名机制: testid/testsecret, DescribeRegions)', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(stringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('percent-encodes as POP does: space %20, * %2A, ~ kept', () => {
    expect(percentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
  });

  it('sends a signed SendSms that verifies at the receiver, with the SignName as the signature', async () => {
    const receiver = await startSmsReceiver();
    try {
      const sms = new AliyunSms(
        {
          accessKeyId: 'LTAI-test',
          accessKeySecret: 'secret-test',
          signName: '枫桥调解',
          templateCode: 'SMS_1',
          endpoint: receiver.aliyunUrl,
        },
        { now: () => new Date('2026-12-06T04:00:00.000Z'), nonce: () => 'nonce-1' },
      );
      const result = await sms.send({ to: '13812345678', text: '【枫桥调解】您反映的纠纷已受理', key: 'k1' });
      expect(result.providerMessageId).toBe('biz-1');
      const [m] = receiver.messages;
      expect(m).toMatchObject({ to: '13812345678', text: '【枫桥调解】您反映的纠纷已受理', key: 'k1' });
      const { Signature, ...rest } = m!.form!;
      expect(rest.Timestamp).toBe('2026-12-06T04:00:00Z');
      expect(Signature).toBe(rpcSignature('POST', rest, 'secret-test'));
    } finally {
      await receiver.close();
    }
  });
});
